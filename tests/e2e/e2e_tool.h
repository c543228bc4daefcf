/* The parts of e2e_tool in files of their own. */
#ifndef SANCTUM_E2E_TOOL_H
#define SANCTUM_E2E_TOOL_H

#include <netinet/in.h>
#include <stdint.h>

/* e2e_udp.c */
int	udp_send(const struct sockaddr_in *, int count);
int	udp_recv(uint16_t port, int secs, int idle);

/* e2e_logrecv.c */
int	log_recv(const char *path, int secs);

#endif
