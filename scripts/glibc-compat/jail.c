/* scripts/glibc-compat/jail.c: lets netns-jail run on glibc 2.29 and later
 * although it is linked against a newer glibc (Debian 12's 2.36).
 *
 * Same mechanism as launcher.c (included below for __libc_start_main and
 * stat, fstat, lstat, fstatat): `ld --wrap=SYMBOL` sends each call to a wrapper here, and the
 * wrapper calls the version of SYMBOL that old glibc defines and new glibc
 * keeps for old binaries. The symbols, and where they come from in
 * netns-jail (the static Swift runtime, FoundationEssentials, Dispatch and
 * libstdc++):
 *
 *   GLIBC_2.32  pthread_sigmask, pthread_getattr_np, pthread_getaffinity_np,
 *               __libc_single_threaded (libstdc++)
 *   GLIBC_2.33  stat, fstat, lstat, fstat64
 *   GLIBC_2.34  __libc_start_main; the dl* and pthread_* and sem_* calls
 *               that moved from libdl and libpthread into libc
 *   GLIBC_2.35  hypot, hypotf (libm)
 *   GLIBC_2.36  arc4random (libstdc++'s random_device)
 *
 * On glibc 2.33 and older the 2.34 ones live in libpthread.so.0 and
 * libdl.so.2, so scripts/glibc-compat.sh adds both as needed libraries
 * (on newer glibc they are empty and cost one open each).
 * _dl_find_object (GLIBC_2.35, from GCC's static unwinder) is avoided by
 * linking the shared libgcc_s instead, which every system has.
 */
#include "launcher.c"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>

/* NX_BIND(VERSION, RET, NAME, (PARAMS), (ARGS)): __wrap_NAME calls NAME@VERSION.
 * The __typeof__ declarations make the compiler check PARAMS against the
 * prototype in glibc's header. */
#define NX_BIND(version, ret, name, params, args)                       \
    extern __typeof__(name) nx_old_##name;                              \
    __typeof__(name) __wrap_##name;                                     \
    __asm__(".symver nx_old_" #name ", " #name "@" version);            \
    ret __wrap_##name params { return nx_old_##name args; }

#define B "GLIBC_2.2.5"   /* x86_64's first version */

/* GLIBC_2.32 */
NX_BIND(B, int, pthread_sigmask, (int how, const sigset_t *set, sigset_t *old), (how, set, old))
NX_BIND(B, int, pthread_getattr_np, (pthread_t t, pthread_attr_t *attr), (t, attr))
NX_BIND("GLIBC_2.3.4", int, pthread_getaffinity_np, (pthread_t t, size_t size, cpu_set_t *set), (t, size, set))

/* libstdc++ skips atomic operations while this is 1 ("no thread was ever
 * created"). A constant 0 makes it always use them: slower, never wrong. */
char __wrap___libc_single_threaded = 0;

/* GLIBC_2.33: fstat64, as the stat family in launcher.c */
extern int nx_fxstat64_2_2_5(int ver, int fd, struct stat64 *buf);
__asm__(".symver nx_fxstat64_2_2_5, __fxstat64@GLIBC_2.2.5");
int __wrap_fstat64(int fd, struct stat64 *buf) { return nx_fxstat64_2_2_5(NX_STAT_VER_LINUX, fd, buf); }

/* GLIBC_2.34: libdl */
NX_BIND(B, void *, dlopen, (const char *file, int mode), (file, mode))
NX_BIND(B, int, dlclose, (void *handle), (handle))
NX_BIND(B, void *, dlsym, (void *restrict handle, const char *restrict name), (handle, name))
NX_BIND(B, char *, dlerror, (void), ())
NX_BIND(B, int, dladdr, (const void *addr, Dl_info *info), (addr, info))

/* GLIBC_2.34: libpthread */
extern int __pthread_key_create(pthread_key_t *key, void (*destructor)(void *));
NX_BIND(B, int, __pthread_key_create, (pthread_key_t *key, void (*destructor)(void *)), (key, destructor))
NX_BIND(B, int, pthread_key_create, (pthread_key_t *key, void (*destructor)(void *)), (key, destructor))
NX_BIND(B, int, pthread_key_delete, (pthread_key_t key), (key))
NX_BIND(B, void *, pthread_getspecific, (pthread_key_t key), (key))
NX_BIND(B, int, pthread_setspecific, (pthread_key_t key, const void *value), (key, value))
NX_BIND(B, int, pthread_create, (pthread_t *restrict t, const pthread_attr_t *restrict attr,
                                 void *(*start)(void *), void *restrict arg), (t, attr, start, arg))
NX_BIND(B, int, pthread_detach, (pthread_t t), (t))
NX_BIND(B, int, pthread_join, (pthread_t t, void **result), (t, result))
NX_BIND(B, int, pthread_kill, (pthread_t t, int sig), (t, sig))
NX_BIND(B, int, pthread_once, (pthread_once_t *once, void (*fn)(void)), (once, fn))
NX_BIND("GLIBC_2.12", int, pthread_getname_np, (pthread_t t, char *name, size_t len), (t, name, len))
NX_BIND("GLIBC_2.12", int, pthread_setname_np, (pthread_t t, const char *name), (t, name))
NX_BIND(B, int, pthread_attr_getstack, (const pthread_attr_t *restrict attr, void **restrict addr,
                                        size_t *restrict size), (attr, addr, size))
NX_BIND(B, int, pthread_attr_getstacksize, (const pthread_attr_t *restrict attr, size_t *restrict size), (attr, size))
NX_BIND(B, int, pthread_attr_setstacksize, (pthread_attr_t *attr, size_t size), (attr, size))
NX_BIND(B, int, pthread_mutex_trylock, (pthread_mutex_t *m), (m))
NX_BIND(B, int, pthread_mutex_timedlock, (pthread_mutex_t *restrict m, const struct timespec *restrict t), (m, t))
NX_BIND(B, int, pthread_mutexattr_init, (pthread_mutexattr_t *a), (a))
NX_BIND(B, int, pthread_mutexattr_destroy, (pthread_mutexattr_t *a), (a))
NX_BIND(B, int, pthread_mutexattr_settype, (pthread_mutexattr_t *a, int type), (a, type))
NX_BIND(B, int, sem_init, (sem_t *s, int shared, unsigned int value), (s, shared, value))
NX_BIND(B, int, sem_destroy, (sem_t *s), (s))
NX_BIND(B, int, sem_post, (sem_t *s), (s))
NX_BIND(B, int, sem_wait, (sem_t *s), (s))
NX_BIND(B, int, sem_timedwait, (sem_t *restrict s, const struct timespec *restrict t), (s, t))

/* sem_open takes a mode and a value only with O_CREAT. */
extern __typeof__(sem_open) nx_old_sem_open;
__asm__(".symver nx_old_sem_open, sem_open@" B);
sem_t *__wrap_sem_open(const char *name, int oflag, ...)
{
    if (!(oflag & O_CREAT))
        return nx_old_sem_open(name, oflag);
    va_list ap;
    va_start(ap, oflag);
    mode_t mode = va_arg(ap, mode_t);
    unsigned int value = va_arg(ap, unsigned int);
    va_end(ap);
    return nx_old_sem_open(name, oflag, mode, value);
}

/* GLIBC_2.35: libm. The 2.2.5 versions give the same results (errno ERANGE
 * on overflow). */
NX_BIND(B, double, hypot, (double x, double y), (x, y))
NX_BIND(B, float, hypotf, (float x, float y), (x, y))

/* GLIBC_2.36: arc4random, from the kernel's random pool like glibc's own.
 * getrandom (GLIBC_2.25) blocks only until the pool is first seeded. */
uint32_t __wrap_arc4random(void)
{
    uint32_t value;
    unsigned char *p = (unsigned char *)&value;
    size_t got = 0;
    while (got < sizeof value) {
        ssize_t n = getrandom(p + got, sizeof value - got, 0);
        if (n > 0)
            got += (size_t)n;
        else if (n < 0 && errno != EINTR)
            abort(); /* as glibc's arc4random does when the kernel gives no randomness */
    }
    return value;
}
