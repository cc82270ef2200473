package red.sessions.vyoma.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import red.sessions.vyoma.bus.DomainException;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the server may connect: global unicast only, IPv4 inside IPv6 judged as what it reaches, never itself. */
class OutboundTargetsTest {

  private static final OutboundTargets TARGETS = new OutboundTargets(false);

  private static String url(String address) {
    return "https://" + (address.contains(":") ? "[" + address + "]" : address) + ":8443/hook";
  }

  private static String refusal(OutboundTargets targets, String address) {
    return assertThrows(DomainException.class, () -> targets.resolve(url(address)), address).getMessage();
  }

  @ParameterizedTest(name = "{0} {1}: {2}")
  @CsvSource(delimiter = '|', textBlock = """
    0.0.0.0                                | refused | this network
    0.1.2.3                                | refused | this network
    10.0.0.1                               | refused | private
    10.255.255.255                         | refused | private
    11.0.0.1                               | allowed | just past 10/8
    100.63.255.255                         | allowed | just before shared space
    100.64.0.1                             | refused | shared (carrier-grade NAT)
    100.100.100.200                        | refused | shared: Alibaba's metadata
    100.127.255.255                        | refused | shared
    100.128.0.1                            | allowed | just past shared space
    127.0.0.1                              | refused | loopback
    127.1.2.3                              | refused | loopback
    169.254.169.254                        | refused | link-local: the clouds' metadata
    169.253.255.255                        | allowed | just before link-local
    172.15.255.255                         | allowed | just before 172.16/12
    172.16.0.1                             | refused | private
    172.31.255.255                         | refused | private
    172.32.0.1                             | allowed | just past 172.16/12
    192.0.0.9                              | refused | IETF protocol assignments
    192.0.0.170                            | refused | IETF protocol assignments: NAT64 discovery
    192.0.1.1                              | allowed | between 192.0.0/24 and 192.0.2/24
    192.0.2.2                              | refused | documentation (TEST-NET-1)
    192.0.3.1                              | allowed | just past TEST-NET-1
    192.31.196.1                           | refused | AS112
    192.52.193.1                           | refused | AMT
    192.88.99.1                            | refused | 6to4 relay anycast
    192.167.255.255                        | allowed | just before 192.168/16
    192.168.1.1                            | refused | private
    192.169.0.1                            | allowed | just past 192.168/16
    192.175.48.1                           | refused | AS112 direct delegation
    198.17.255.255                         | allowed | just before benchmarking
    198.18.0.1                             | refused | benchmarking
    198.19.255.255                         | refused | benchmarking
    198.20.0.1                             | allowed | just past benchmarking
    198.51.100.1                           | refused | documentation (TEST-NET-2)
    203.0.113.5                            | refused | documentation (TEST-NET-3)
    203.0.114.1                            | allowed | just past TEST-NET-3
    223.255.255.254                        | allowed | the last unicast block
    224.0.0.1                              | refused | multicast
    239.255.255.250                        | refused | multicast
    240.0.0.1                              | refused | reserved
    255.255.255.255                        | refused | limited broadcast
    8.8.8.8                                | allowed | public
    1.1.1.1                                | allowed | public
    ::                                     | refused | unspecified
    ::1                                    | refused | loopback
    ::ffff:127.0.0.1                       | refused | IPv4-mapped loopback
    ::ffff:169.254.169.254                 | refused | IPv4-mapped metadata
    ::ffff:8.8.8.8                         | allowed | IPv4-mapped public: the IPv4 host itself
    ::ffff:0:7f00:1                        | refused | IPv4-translated (SIIT), outside 2000::/3
    ::127.0.0.1                            | refused | IPv4-compatible loopback
    ::a9fe:a9fe                            | refused | IPv4-compatible metadata
    ::8.8.8.8                              | refused | IPv4-compatible (deprecated) whatever it embeds
    64:ff9b::7f00:1                        | refused | NAT64 of loopback
    64:ff9b::a9fe:a9fe                     | refused | NAT64 of the metadata address
    64:ff9b::c0a8:101                      | refused | NAT64 of a private address
    64:ff9b::808:808                       | allowed | NAT64 of a public address (DNS64 on an IPv6-only network)
    64:ff9b:1::808:808                     | refused | local-use NAT64
    2002:7f00:1::                          | refused | 6to4 of loopback
    2002:a9fe:a9fe::                       | refused | 6to4 of the metadata address
    2002:808:808::1                        | refused | 6to4 (deprecated) whatever it embeds
    2001:0:7f00:1::80ff:fffe               | refused | Teredo: server and client 127.0.0.1
    2001:0:a9fe:a9fe::5601:5601            | refused | Teredo: server and client 169.254.169.254
    2001:0:4136:e378:8000:63bf:3fff:fdd2   | refused | Teredo whatever it embeds
    2001:2::1                              | refused | benchmarking
    2001:10::1                             | refused | ORCHID
    2001:20::1                             | refused | ORCHIDv2
    2001:1ff:ffff::1                       | refused | IETF protocol assignments (2001::/23)
    2001:200::1                            | allowed | just past 2001::/23
    2001:db8::1                            | refused | documentation
    3fff::1                                | refused | documentation (3fff::/20)
    3fff:fff:ffff::1                       | refused | documentation (3fff::/20)
    3fff:1000::1                           | allowed | just past 3fff::/20
    2620:4f:8000::1                        | refused | AS112 direct delegation
    100::1                                 | refused | discard only
    fc00::1                                | refused | unique-local
    fd00:ec2::254                          | refused | unique-local: AWS's metadata
    fe80::1                                | refused | link-local
    fec0::1                                | refused | site-local (deprecated)
    ff02::1                                | refused | multicast
    ff0e::1                                | refused | multicast, global scope
    4000::1                                | refused | outside 2000::/3
    5f00::1                                | refused | segment routing SIDs, outside 2000::/3
    1fff:ffff::1                           | refused | just before 2000::/3
    2003::1                                | allowed | just past 6to4
    2606:4700::1111                        | allowed | public
    2001:4860:4860::8888                   | allowed | public
    """)
  void onlyGlobalUnicastAddressesAreTargets(String address, String verdict, String what) throws UnknownHostException {
    if (verdict.equals("allowed")) {
      assertEquals(InetAddress.getByName(address.contains(":") ? "[" + address + "]" : address).getHostAddress(),
        TARGETS.resolve(url(address)).getHostAddress(), what);
    } else {
      String message = refusal(TARGETS, address);
      assertTrue(message.startsWith("url's host ") && message.endsWith("which is not a public (global unicast) address"),
        () -> address + " (" + what + "): " + message);
    }
  }

  @Test
  void everyAddressOfThisMachineIsRefused() throws SocketException {
    List<InetAddress> own = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses).toList();
    assertFalse(own.isEmpty());
    for (InetAddress address : own) {
      refusal(TARGETS, address.getHostAddress().replaceFirst("%.*", ""));
    }
  }

  @Test
  void aPublicAddressOfTheServerItselfIsRefused() throws UnknownHostException {
    Set<InetAddress> interfaces = Set.of(InetAddress.getByName("8.8.8.8"), InetAddress.getByName("2606:4700::1111"));
    OutboundTargets onAPublicMachine = new OutboundTargets(false, () -> interfaces);
    for (String address : List.of("8.8.8.8", "::ffff:8.8.8.8", "64:ff9b::808:808", "2606:4700::1111")) {
      String message = refusal(onAPublicMachine, address);
      assertTrue(message.endsWith(", an address of this server"), () -> address + ": " + message);
    }
    assertEquals("1.1.1.1", onAPublicMachine.resolve(url("1.1.1.1")).getHostAddress());
  }

  @Test
  void onlyHttpsIsATarget() {
    assertEquals("url must use https", assertThrows(DomainException.class,
      () -> TARGETS.resolve("http://8.8.8.8/hook")).getMessage());
  }

  @Test
  void allowingPrivateTargetsOpensHttpAndLoopback() throws UnknownHostException {
    assertEquals(InetAddress.getByName("127.0.0.1"), new OutboundTargets(true).resolve("http://127.0.0.1:9/hook"));
    assertThrows(DomainException.class, () -> new OutboundTargets(false).resolve("http://127.0.0.1:9/hook"));
  }
}
