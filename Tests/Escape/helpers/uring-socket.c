// uring-socket FAMILY: creates a socket through io_uring (IORING_OP_SOCKET,
// Linux 5.19) instead of socket(2), and prints "ok", "setup:ERRNO" when the
// ring cannot be created, or "op:ERRNO" when the operation failed.
// io_uring operations never pass through the seccomp filter, so a filter
// rule on socket(2) alone would not stop an AF_VSOCK socket made this way.
// Test helper only; no liburing, just the raw ring.
//
//   uring-socket hold CMD [ARG...]   makes a ring, leaves it open across
//                                    exec (NXESC_RING_FD=N) and runs CMD
//   uring-socket enter-inherited     io_uring_enter on that inherited ring:
//                                    "ok" or "enter:ERRNO"
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc > 2 && !strcmp(argv[1], "hold")) {
        struct io_uring_params held;
        memset(&held, 0, sizeof held);
        int fd = (int)syscall(__NR_io_uring_setup, 4, &held);
        if (fd < 0) { printf("setup:%s\n", strerrorname_np(errno)); return 0; }
        // The kernel makes ring descriptors close-on-exec; a caller that
        // wants to hand one in has to clear that on purpose.
        if (fcntl(fd, F_SETFD, 0) != 0) { printf("fcntl:%s\n", strerrorname_np(errno)); return 1; }
        char number[16];
        snprintf(number, sizeof number, "%d", fd);
        setenv("NXESC_RING_FD", number, 1);
        fflush(stdout);
        execv(argv[2], argv + 2);
        printf("exec:%s\n", strerrorname_np(errno));
        return 1;
    }
    if (argc > 1 && !strcmp(argv[1], "enter-inherited")) {
        const char *number = getenv("NXESC_RING_FD");
        if (!number) { puts("no-ring"); return 1; }
        // A no-op enter: nothing to submit, nothing to wait for.
        long r = syscall(__NR_io_uring_enter, atoi(number), 0, 0, 0, NULL, 0);
        if (r < 0) printf("enter:%s\n", strerrorname_np(errno));
        else puts("ok");
        return 0;
    }
    int family = argc > 1 && !strcmp(argv[1], "inet") ? AF_INET : AF_VSOCK;
    struct io_uring_params params;
    memset(&params, 0, sizeof params);
    int ring = (int)syscall(__NR_io_uring_setup, 4, &params);
    if (ring < 0) { printf("setup:%s\n", strerrorname_np(errno)); return 0; }

    size_t sq_size = params.sq_off.array + params.sq_entries * sizeof(unsigned);
    size_t cq_size = params.cq_off.cqes + params.cq_entries * sizeof(struct io_uring_cqe);
    char *sq = mmap(NULL, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQ_RING);
    char *cq = mmap(NULL, cq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_CQ_RING);
    struct io_uring_sqe *sqes = mmap(NULL, params.sq_entries * sizeof(struct io_uring_sqe),
                                     PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
    if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) { puts("mmap:failed"); return 1; }

    unsigned *tail = (unsigned *)(sq + params.sq_off.tail);
    unsigned *mask = (unsigned *)(sq + params.sq_off.ring_mask);
    unsigned *array = (unsigned *)(sq + params.sq_off.array);
    unsigned index = *tail & *mask;
    struct io_uring_sqe *sqe = &sqes[index];
    memset(sqe, 0, sizeof *sqe);
    sqe->opcode = IORING_OP_SOCKET;
    sqe->fd = family;            // domain
    sqe->off = SOCK_STREAM;      // type
    sqe->len = 0;                // protocol
    array[index] = index;
    __atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);

    int n = (int)syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0);
    if (n < 0) { printf("enter:%s\n", strerrorname_np(errno)); return 0; }
    unsigned *chead = (unsigned *)(cq + params.cq_off.head);
    unsigned *cmask = (unsigned *)(cq + params.cq_off.ring_mask);
    struct io_uring_cqe *cqe = (struct io_uring_cqe *)(cq + params.cq_off.cqes) + (*chead & *cmask);
    if (cqe->res >= 0) puts("ok");
    else printf("op:%s\n", strerrorname_np(-cqe->res));
    return 0;
}
