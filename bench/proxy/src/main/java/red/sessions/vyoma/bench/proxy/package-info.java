/**
 * A domain service call side by side: through {@code bus/LocalServices} (records by reference) and through
 * {@code vertx-service-proxy} (JSON), whose proxies and handlers the Vert.x code generator writes from
 * {@link red.sessions.vyoma.bench.proxy.JsonBookingReads} and {@link red.sessions.vyoma.bench.proxy.CompactJsonBookingReads}
 * when bench/proxy.sh compiles this package.
 */
@ModuleGen(name = "vyoma-bench-proxy", groupPackage = "red.sessions.vyoma.bench.proxy")
package red.sessions.vyoma.bench.proxy;

import io.vertx.codegen.annotations.ModuleGen;
