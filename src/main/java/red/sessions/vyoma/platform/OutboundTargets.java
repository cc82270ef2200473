package red.sessions.vyoma.platform;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import red.sessions.vyoma.bus.DomainException;
import red.sessions.vyoma.bus.Echo;

import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Where the server may connect when a URL comes from a user (webhooks, teachers' external calendars), against
 * server-side request forgery (OWASP API7): by default only {@code https} URLs whose host resolves to global
 * unicast addresses only, none of them the server's own. An allow-list, so space nobody has thought of is
 * refused: IPv4 outside every block of IANA's IPv4 special-purpose registry, multicast and the reserved
 * {@code 240/4}; IPv6 inside {@code 2000::/3} and outside every block of IANA's IPv6 special-purpose
 * registry there. An IPv6 address that reaches an IPv4 host as such (IPv4-mapped {@code ::ffff:0:0/96}, and
 * NAT64's well-known {@code 64:ff9b::/96}, which is how a DNS64 resolver answers on an IPv6-only network) is
 * judged as that IPv4 address; the tunnel forms (IPv4-compatible {@code ::/96}, 6to4 {@code 2002::/16},
 * Teredo {@code 2001::/32}) lie in blocks the allow-list leaves out, so they are refused whatever they embed.
 * Callers check at every use, since DNS can change in between, and connect to the very address checked, so a
 * name cannot resolve one way for the check and another for the connection. {@code allowPrivate} lifts all
 * of this, and allows plain {@code http}, for development and tests. Resolving a name blocks: call it on a
 * worker thread.
 */
public final class OutboundTargets {

  private static final List<Block> REFUSED_V4 = Block.all(
    "0.0.0.0/8",        // "this network"
    "10.0.0.0/8",       // private
    "100.64.0.0/10",    // shared address space (carrier-grade NAT; Alibaba's metadata at 100.100.100.200)
    "127.0.0.0/8",      // loopback
    "169.254.0.0/16",   // link-local (the clouds' metadata at 169.254.169.254)
    "172.16.0.0/12",    // private
    "192.0.0.0/24",     // IETF protocol assignments
    "192.0.2.0/24",     // documentation (TEST-NET-1)
    "192.31.196.0/24",  // AS112
    "192.52.193.0/24",  // AMT
    "192.88.99.0/24",   // 6to4 relay anycast
    "192.168.0.0/16",   // private
    "192.175.48.0/24",  // AS112 direct delegation
    "198.18.0.0/15",    // benchmarking
    "198.51.100.0/24",  // documentation (TEST-NET-2)
    "203.0.113.0/24",   // documentation (TEST-NET-3)
    "224.0.0.0/4",      // multicast
    "240.0.0.0/4");     // reserved, and the limited broadcast 255.255.255.255
  private static final Block GLOBAL_UNICAST_V6 = Block.of("2000::/3");
  private static final List<Block> REFUSED_V6 = Block.all(
    "2001::/23",         // IETF protocol assignments: Teredo, benchmarking, AMT, AS112, ORCHID, drone DETs
    "2001:db8::/32",     // documentation
    "2002::/16",         // 6to4
    "2620:4f:8000::/48", // AS112 direct delegation
    "3fff::/20");        // documentation
  private static final Block NAT64 = Block.of("64:ff9b::/96");
  /** How long the server's own addresses are trusted to stay as read: interfaces come and go (DHCP, containers). */
  private static final long OWN_ADDRESSES_TTL_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final boolean allowPrivate;
  private final Supplier<Set<InetAddress>> interfaceAddresses;
  private volatile OwnAddresses own;

  public OutboundTargets(boolean allowPrivate) {
    this(allowPrivate, OutboundTargets::interfaceAddresses);
  }

  /** With the server's own addresses as the given source reads them (a machine whose interfaces a test sets). */
  OutboundTargets(boolean allowPrivate, Supplier<Set<InetAddress>> interfaceAddresses) {
    this.allowPrivate = allowPrivate;
    this.interfaceAddresses = interfaceAddresses;
  }

  /**
   * A request to {@code url} sent to the {@code address} that was checked for it (never resolved again on the way),
   * with the URL's host as its Host header and TLS name; redirects are not followed, as they would lead to an
   * address nobody checked. The caller adds its method's headers.
   */
  public static RequestOptions requestTo(URI url, InetAddress address, HttpMethod method, long timeoutMs) {
    boolean tls = "https".equalsIgnoreCase(url.getScheme());
    int port = url.getPort() != -1 ? url.getPort() : tls ? 443 : 80;
    String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
      + (url.getRawQuery() != null ? "?" + url.getRawQuery() : "");
    return new RequestOptions()
      .setMethod(method)
      .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
      .setHost(url.getHost())
      .setPort(port)
      .setSsl(tls)
      .setURI(path)
      .setConnectTimeout(timeoutMs)
      .setIdleTimeout(timeoutMs)
      .setFollowRedirects(false);
  }

  /**
   * An absolute http or https URL with a host, as a user may give one for the server to connect to; where it may
   * point is checked against its addresses later ({@link #resolve}). {@code label} names it in the refusal.
   */
  public static void requireHttpUrl(String url, String label) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getUserInfo() == null
        && uri.getFragment() == null) {
        return;
      }
    } catch (URISyntaxException notAUrl) {
      // answered below
    }
    throw DomainException.invalid(label + " must be an absolute https URL with a host (no user info or fragment)");
  }

  /** The address to connect to; invalid when the URL may not be a target, or its host does not resolve. */
  public InetAddress resolve(String url) {
    URI uri = URI.create(url);
    if (!allowPrivate && !"https".equals(uri.getScheme().toLowerCase(Locale.ROOT))) {
      throw DomainException.invalid("url must use https");
    }
    String host = Echo.of(uri.getHost());
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(uri.getHost());
    } catch (UnknownHostException e) {
      throw DomainException.invalid("url's host " + host + " does not resolve");
    }
    if (!allowPrivate) {
      for (InetAddress address : addresses) {
        InetAddress judged = reached(address);
        if (!isGlobalUnicast(judged)) {
          throw DomainException.invalid("url's host " + host + " resolves to " + address.getHostAddress()
            + ", which is not a public (global unicast) address");
        }
        if (ownAddresses().contains(judged)) {
          throw DomainException.invalid("url's host " + host + " resolves to " + address.getHostAddress()
            + ", an address of this server");
        }
      }
    }
    return addresses[0];
  }

  /** The address a connection to this one reaches: the IPv4 host for IPv4-mapped and NAT64 addresses. */
  private static InetAddress reached(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (address instanceof Inet6Address && (NAT64.contains(bytes) || isIpv4Mapped(bytes))) {
      try {
        return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
      } catch (UnknownHostException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
    return address;
  }

  /** {@code ::ffff:0:0/96}; Java parses a literal of it as IPv4 already, but a resolver may hand one back as IPv6. */
  private static boolean isIpv4Mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
  }

  private static boolean isGlobalUnicast(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      return REFUSED_V4.stream().noneMatch(block -> block.contains(bytes));
    }
    return GLOBAL_UNICAST_V6.contains(bytes) && REFUSED_V6.stream().noneMatch(block -> block.contains(bytes));
  }

  /** The server's own addresses, read again once they are a minute old; any two readers may both read. */
  private Set<InetAddress> ownAddresses() {
    OwnAddresses read = own;
    if (read == null || System.nanoTime() - read.at() > OWN_ADDRESSES_TTL_NANOS) {
      read = new OwnAddresses(interfaceAddresses.get(), System.nanoTime());
      own = read;
    }
    return read.addresses();
  }

  /**
   * Every address of every interface, up or down: a server listening on all of them (as the API does by
   * default) answers on each, and a webhook must not reach its own API, metrics or cluster ports through one.
   */
  private static Set<InetAddress> interfaceAddresses() {
    try {
      return NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses).collect(Collectors.toSet());
    } catch (SocketException e) {
      throw new UncheckedIOException("could not list this server's network interfaces", e);
    }
  }

  private record OwnAddresses(Set<InetAddress> addresses, long at) {
  }

  /** A CIDR block. */
  private record Block(byte[] prefix, int bits) {

    static Block of(String cidr) {
      int slash = cidr.indexOf('/');
      try {
        // A literal: parsed, never looked up.
        return new Block(InetAddress.getByName(cidr.substring(0, slash)).getAddress(), Integer.parseInt(cidr.substring(slash + 1)));
      } catch (UnknownHostException notALiteral) {
        throw new IllegalArgumentException(cidr, notALiteral);
      }
    }

    static List<Block> all(String... cidrs) {
      return Arrays.stream(cidrs).map(Block::of).toList();
    }

    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      for (int i = 0; i * 8 < bits; i++) {
        int mask = (0xff << Math.max(0, 8 - (bits - i * 8))) & 0xff;
        if (((address[i] ^ prefix[i]) & mask) != 0) {
          return false;
        }
      }
      return true;
    }
  }
}
