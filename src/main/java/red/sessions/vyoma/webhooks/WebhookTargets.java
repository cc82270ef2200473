package red.sessions.vyoma.webhooks;

import red.sessions.vyoma.bus.DomainException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where webhooks may send (OWASP API7, server-side request forgery): by default only {@code https} URLs
 * whose host resolves to public addresses only. Loopback, private, link-local (the cloud metadata
 * services' 169.254.169.254 among them), unique-local, shared (carrier-grade NAT), multicast and reserved
 * addresses are refused, at registration and again at every delivery, since DNS can change in between; a
 * delivery connects to the very address checked, so a name cannot resolve one way for the check and
 * another for the connection. {@code webhooks.allow_private_targets} lifts all of this, and allows plain
 * {@code http}, for development and tests. Resolving a name blocks: call it on a worker thread.
 */
public final class WebhookTargets {

  private final boolean allowPrivate;

  public WebhookTargets(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  /** The address to deliver to; invalid when the URL may not be a target, or its host does not resolve. */
  public InetAddress resolve(String url) {
    URI uri = URI.create(url);
    if (!allowPrivate && !"https".equals(uri.getScheme().toLowerCase(Locale.ROOT))) {
      throw DomainException.invalid("url must use https");
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(uri.getHost());
    } catch (UnknownHostException e) {
      throw DomainException.invalid("url's host " + uri.getHost() + " does not resolve");
    }
    if (!allowPrivate && !Arrays.stream(addresses).allMatch(WebhookTargets::isPublic)) {
      throw DomainException.invalid("url's host " + uri.getHost()
        + " is a loopback, private, link-local or reserved address; webhooks go to public addresses only");
    }
    return addresses[0];
  }

  /** Whether the address is on the public internet. */
  static boolean isPublic(InetAddress address) {
    if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
      || address.isSiteLocalAddress() || address.isMulticastAddress()) {
      return false;
    }
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = bytes[0] & 0xff;
      int second = bytes[1] & 0xff;
      return first != 0                                   // "this network"
        && !(first == 100 && (second & 0xc0) == 64)       // 100.64.0.0/10, shared address space
        && !(first == 192 && second == 0 && (bytes[2] & 0xff) == 0) // 192.0.0.0/24, protocol assignments
        && !(first == 198 && (second & 0xfe) == 18)       // 198.18.0.0/15, benchmarking
        && first < 240;                                   // 240.0.0.0/4 reserved, and broadcast
    }
    if (address instanceof Inet6Address) {
      int first = bytes[0] & 0xff;
      boolean uniqueLocal = (first & 0xfe) == 0xfc;       // fc00::/7 (AWS's metadata fd00:ec2::254 among them)
      boolean nat64 = first == 0x00 && bytes[1] == 0x64 && (bytes[2] & 0xff) == 0xff && (bytes[3] & 0xff) == 0x9b;
      boolean documentation = first == 0x20 && bytes[1] == 0x01 && (bytes[2] & 0xff) == 0x0d && (bytes[3] & 0xff) == 0xb8;
      return !uniqueLocal && !nat64 && !documentation;
    }
    return false;
  }
}
