package http

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// The client address (客户端地址) is what the public rate limits, the login
// brake, sessions and the audit trail record. It is the peer address, unless
// the peer is one of the server's TrustedProxies (the county's reverse proxy
// terminating TLS): then it is the nearest address in X-Forwarded-For that is
// not itself a trusted proxy. Without trusted proxies the header is ignored, so
// a client cannot pick its own address; and behind a proxy that is not listed,
// every client shares the proxy's address — and its rate limits.

// ParseTrustedProxies reads a comma-separated list of addresses and CIDR
// prefixes ("127.0.0.1, 10.0.0.0/8, ::1"); empty means none.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxies: %q is neither an IP address nor a CIDR prefix", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// trusted reports whether a is one of the trusted proxies.
func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is the request's client address (see above).
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || len(s.TrustedProxies) == 0 || !s.trusted(peer) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return peer.Unmap().String() // a malformed hop: trust nothing before it
		}
		if !s.trusted(a) {
			return a.Unmap().String()
		}
	}
	return peer.Unmap().String()
}

// WideProxies lists the trusted prefixes wider than a /24 (IPv4) or /64 (IPv6):
// a client inside one, connecting directly or through the proxy, could choose
// its own address with X-Forwarded-For, so `zhili serve` warns about them. List
// the proxies' own addresses, not the network the clients are on.
func WideProxies(ps []netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range ps {
		if (p.Addr().Is4() && p.Bits() < 24) || (!p.Addr().Is4() && p.Bits() < 64) {
			out = append(out, p)
		}
	}
	return out
}
