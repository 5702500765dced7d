/* A stand-in for systemd's notification socket in tests: binds an AF_UNIX datagram socket at
 * argv[1], prints "listening", then each datagram as one line ("\n" inside become " | "). File
 * descriptors passed with a message (systemd-notify's BARRIER=1 pipe) are closed at once, which
 * is what releases the sender's barrier wait, as the real manager does. Runs until killed. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: notify-recv <socket path>\n"); return 2; }
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
  unlink(argv[1]);
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { perror("bind"); return 1; }
  printf("listening\n");
  fflush(stdout);
  char buf[4096];
  char control[CMSG_SPACE(sizeof(int) * 8)];
  for (;;) {
    struct iovec iov = { buf, sizeof buf - 1 };
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = recvmsg(fd, &msg, 0);
    if (n < 0) { perror("recvmsg"); return 1; }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
        int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int i = 0; i < count; i++) { int passed; memcpy(&passed, CMSG_DATA(c) + i * sizeof(int), sizeof(int)); close(passed); }
      }
    }
    buf[n] = 0;
    while (n > 0 && buf[n - 1] == '\n') buf[--n] = 0;
    for (ssize_t i = 0; i < n; i++) if (buf[i] == '\n') buf[i] = '|';
    printf("%s\n", buf);
    fflush(stdout);
  }
}
