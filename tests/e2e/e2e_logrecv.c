/*
 * A stand-in for syslog's /dev/log in a test's mount namespace: bind a
 * datagram socket at a path and print every message as one line, so a test
 * can see what a detached daemon logged there.
 */

#include <sys/socket.h>
#include <sys/un.h>

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "e2e_tool.h"

/* Receive on PATH for SECS seconds, one line per message. */
int
log_recv(const char *path, int secs)
{
	struct sockaddr_un	sun;
	struct pollfd		pfd;
	char			buf[4096];
	time_t			end = time(NULL) + secs;
	ssize_t			n;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "log-recv: path too long\n");
		return (1);
	}
	strcpy(sun.sun_path, path);
	(void)unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		perror("log-recv");
		return (1);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (time(NULL) < end) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 200) != 1)
			continue;
		if ((n = recv(fd, buf, sizeof(buf) - 1, 0)) <= 0)
			continue;
		buf[n] = '\0';
		printf("%s\n", buf);
	}
	close(fd);
	return (0);
}
