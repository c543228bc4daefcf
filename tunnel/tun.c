/*
 * The Linux device side (tunnel.md 6.5): the tun/tap device named after the
 * instance, its address, MTU and flags, the optional bridge, routes through
 * rtnetlink, and the UDP socket. The only file that touches TUN ioctls.
 */

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "offload.h"
#include "sanctum.h"

#define TAP_ETH_HLEN	14	/* destination, source, EtherType */

/* Set by tun_open in the guardian; the heaven processes inherit it. */
static int	vnet_hdr;

/* Copy an interface name, refusing one the kernel would truncate. */
static void
ifname_copy(char dst[IFNAMSIZ], const char *src)
{
	size_t	len = strnlen(src, IFNAMSIZ);

	if (len >= IFNAMSIZ)
		fatal("interface name '%s' is longer than %d characters", src,
		    IFNAMSIZ - 1);
	memset(dst, 0, IFNAMSIZ);
	memcpy(dst, src, len);
}

/* A throw-away socket for interface ioctls. */
static int
ioctl_socket(void)
{
	int	fd;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		fatal("socket: %s", strerror(errno));
	return (fd);
}

/* One interface ioctl that must succeed. */
static void
if_ioctl(int s, unsigned long req, struct ifreq *ifr, const char *what)
{
	if (ioctl(s, req, ifr) == -1)
		fatal("%s on %s: %s", what, ifr->ifr_name, strerror(errno));
}

/* Set an IPv4 address-type field of an interface. */
static void
if_set_addr(int s, const char *name, unsigned long req, struct in_addr a,
    const char *what)
{
	struct ifreq		ifr;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ifr.ifr_addr;

	memset(&ifr, 0, sizeof(ifr));
	ifname_copy(ifr.ifr_name, name);
	sin->sin_family = AF_INET;
	sin->sin_addr = a;
	if_ioctl(s, req, &ifr, what);
}

/* Bring an interface up. */
static void
if_up(int s, const char *name)
{
	struct ifreq	ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifname_copy(ifr.ifr_name, name);
	if_ioctl(s, SIOCGIFFLAGS, &ifr, "SIOCGIFFLAGS");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if_ioctl(s, SIOCSIFFLAGS, &ifr, "SIOCSIFFLAGS");
}

/*
 * Set the device MTU for a tunnel MTU. A tap device's MTU excludes the
 * Ethernet header, so it is 14 less: every frame it hands us then fits the
 * tunnel MTU (the reference sets the tunnel MTU there, and frames of a full
 * MTU cannot cross).
 */
void
tun_set_mtu(const struct sanctum_config *cfg, uint16_t mtu)
{
	struct ifreq	ifr;
	int		s = ioctl_socket();

	memset(&ifr, 0, sizeof(ifr));
	ifname_copy(ifr.ifr_name, cfg->instance);
	ifr.ifr_mtu = cfg->tap ? mtu - TAP_ETH_HLEN : mtu;
	if_ioctl(s, SIOCSIFMTU, &ifr, "SIOCSIFMTU");
	close(s);
}

/* Create the bridge if needed, bring it up, and add the tap device to it. */
static void
tun_bridge(int s, const char *bridge, const char *dev)
{
	struct ifreq	ifr;
	char		name[IFNAMSIZ];

	ifname_copy(name, bridge);
	if (ioctl(s, SIOCBRADDBR, name) == -1 && errno != EEXIST)
		fatal("SIOCBRADDBR %s: %s", bridge, strerror(errno));
	if_up(s, bridge);
	memset(&ifr, 0, sizeof(ifr));
	ifname_copy(ifr.ifr_name, dev);
	if_ioctl(s, SIOCGIFINDEX, &ifr, "SIOCGIFINDEX");
	ifname_copy(ifr.ifr_name, bridge);
	if_ioctl(s, SIOCBRADDIF, &ifr, "SIOCBRADDIF");
}

/*
 * Open /dev/net/tun on the device named after the instance. In tun mode with
 * a virtio_net_hdr on every packet, checksum offload and TSO for IPv4, so
 * the kernel hands heaven-rx TCP super-packets; when the kernel refuses any
 * of it, once more on a fresh descriptor exactly as without offloads.
 */
static int
tun_attach(const struct sanctum_config *cfg)
{
	struct ifreq	ifr;
	int		fd, hdr = OFFLOAD_VNET_LEN;

	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1)
		fatal("/dev/net/tun: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ifname_copy(ifr.ifr_name, cfg->instance);
	if (!cfg->tap) {
		ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
		if (ioctl(fd, TUNSETIFF, &ifr) == 0 &&
		    ioctl(fd, TUNSETVNETHDRSZ, &hdr) == 0 &&
		    ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4) == 0) {
			vnet_hdr = 1;
			return (fd);
		}
		log_msg("tun offloads refused (%s), using plain packets",
		    strerror(errno));
		close(fd);
		if ((fd = open("/dev/net/tun",
		    O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1)
			fatal("/dev/net/tun: %s", strerror(errno));
	}
	ifr.ifr_flags = (cfg->tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI;
	if (ioctl(fd, TUNSETIFF, &ifr) == -1)
		fatal("TUNSETIFF %s: %s", cfg->instance, strerror(errno));
	return (fd);
}

/* Whether packets on the tun device carry a virtio_net_hdr. */
int
tun_vnet(void)
{
	return (vnet_hdr);
}

/*
 * Open the tun (or tap) device named after the instance, non-blocking,
 * without packet information, then configure address, MTU, flags, bridge.
 */
int
tun_open(const struct sanctum_config *cfg, uint16_t mtu)
{
	int	fd, s;

	fd = tun_attach(cfg);
	s = ioctl_socket();
	if (!cfg->tap && cfg->tun_ip.s_addr != 0) {
		if_set_addr(s, cfg->instance, SIOCSIFADDR, cfg->tun_ip,
		    "SIOCSIFADDR");
		if_set_addr(s, cfg->instance, SIOCSIFDSTADDR, cfg->tun_ip,
		    "SIOCSIFDSTADDR");
		if_set_addr(s, cfg->instance, SIOCSIFNETMASK, cfg->tun_mask,
		    "SIOCSIFNETMASK");
	}
	if_up(s, cfg->instance);
	close(s);
	tun_set_mtu(cfg, mtu);
	if (cfg->tap && cfg->bridge[0] != '\0') {
		s = ioctl_socket();
		tun_bridge(s, cfg->bridge, cfg->instance);
		close(s);
	}
	return (fd);
}

/* Append one route attribute. */
static void
rta_add(struct nlmsghdr *n, size_t cap, int type, const void *data,
    size_t len)
{
	struct rtattr	*rta;
	size_t		off = NLMSG_ALIGN(n->nlmsg_len);

	if (off + RTA_SPACE(len) > cap)
		fatal("netlink message too large");
	rta = (struct rtattr *)((uint8_t *)n + off);
	rta->rta_type = (unsigned short)type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	n->nlmsg_len = (uint32_t)(off + RTA_SPACE(len));
}

/*
 * Add the configured routes via the tunnel IP (RTM_NEWROUTE, main table,
 * static, universe, unicast). A netlink error is fatal, as in the reference.
 */
void
tun_routes(const struct sanctum_config *cfg)
{
	struct {
		struct nlmsghdr	n;
		struct rtmsg	r;
		uint8_t		attrs[64];
	} req;
	struct {
		struct nlmsghdr	n;
		struct nlmsgerr	e;
	} ack;
	struct sockaddr_nl	nl = { .nl_family = AF_NETLINK };
	size_t			i;
	ssize_t			len;
	int			fd;

	if (cfg->nroutes == 0)
		return;
	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) == -1)
		fatal("netlink socket: %s", strerror(errno));
	for (i = 0; i < cfg->nroutes; i++) {
		memset(&req, 0, sizeof(req));
		req.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
		req.n.nlmsg_type = RTM_NEWROUTE;
		req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL |
		    NLM_F_ACK;
		req.n.nlmsg_seq = (uint32_t)i + 1;
		req.r.rtm_family = AF_INET;
		req.r.rtm_table = RT_TABLE_MAIN;
		req.r.rtm_protocol = RTPROT_STATIC;
		req.r.rtm_scope = RT_SCOPE_UNIVERSE;
		req.r.rtm_type = RTN_UNICAST;
		req.r.rtm_dst_len = cfg->routes[i].prefix;
		rta_add(&req.n, sizeof(req), RTA_DST, &cfg->routes[i].net, 4);
		rta_add(&req.n, sizeof(req), RTA_GATEWAY, &cfg->tun_ip, 4);
		if (sendto(fd, &req, req.n.nlmsg_len, 0,
		    (struct sockaddr *)&nl, sizeof(nl)) == -1)
			fatal("netlink send: %s", strerror(errno));
		len = recv(fd, &ack, sizeof(ack), 0);
		if (len < (ssize_t)sizeof(ack) || ack.n.nlmsg_type != NLMSG_ERROR)
			fatal("netlink: no acknowledgement for route %s/%u",
			    inet_ntoa(cfg->routes[i].net), cfg->routes[i].prefix);
		if (ack.e.error != 0)
			fatal("route %s/%u: %s", inet_ntoa(cfg->routes[i].net),
			    cfg->routes[i].prefix, strerror(-ack.e.error));
	}
	close(fd);
}

/*
 * The UDP socket on `local` (tunnel.md 2.1): non-blocking, DF set, and
 * large buffers so bursts survive a busy receiver.
 */
int
udp_open(const struct sockaddr_in *local)
{
	int	fd, val = IP_PMTUDISC_DO, buf = 8 * 1024 * 1024;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		fatal("udp socket: %s", strerror(errno));
	if (setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &val, sizeof(val)) == -1)
		fatal("IP_MTU_DISCOVER: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	if (bind(fd, (const struct sockaddr *)local, sizeof(*local)) == -1)
		fatal("bind %s:%u: %s", inet_ntoa(local->sin_addr),
		    ntohs(local->sin_port), strerror(errno));
	return (fd);
}
