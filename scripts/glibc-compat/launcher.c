/* scripts/glibc-compat/launcher.c: lets netns-exec run on glibc 2.25 and
 * later although it is linked against a newer glibc (Debian 12's 2.36).
 *
 * glibc versions its symbols. Linking binds each call to the newest
 * version the build machine's libc defines, and the loader refuses a
 * binary that names a version its libc lacks. The symbols netns-exec uses
 * that are newer than 2.25 (__libc_start_main and the stat family) are
 * redirected here, with `ld --wrap=SYMBOL`, to a version that glibc has
 * defined since 2.2.5 (2.4 for fstatat) and keeps for old binaries. No
 * code is copied from glibc or from other projects.
 *
 * This file is linked into the privileged launcher. It reads no
 * environment, allocates nothing and calls only glibc. See SECURITY.md,
 * "Dependencies of the privileged binary".
 *
 * x86_64 only (the version names are that architecture's);
 * scripts/glibc-compat.sh links it only there.
 */
#include <stddef.h>
#include <sys/stat.h>

/* ---- __libc_start_main -----------------------------------------------
 * The start file (Scrt1.o) of glibc 2.34 and later calls
 *     __libc_start_main@GLIBC_2.34(main, argc, argv, NULL, NULL, rtld_fini, stack_end)
 * with no init and fini functions: that libc finds the program's
 * constructors itself, through the dynamic section. The 2.2.5 version,
 * the only one glibc 2.33 and older have, runs the program's constructors
 * only through the init argument (older start files passed
 * __libc_csu_init there), and would run none of them given NULL.
 *
 * So the wrapper calls the 2.2.5 version with an init function that does
 * what __libc_csu_init did in a dynamically linked program: _init (the
 * .init section), then each function of the init array with
 * (argc, argv, envp). Preinit functions are run by the loader itself in a
 * dynamic program, and the fini array by the loader at exit, so fini may
 * stay NULL. glibc 2.34 and later keep the 2.2.5 version for old
 * binaries and honour its init argument the same way, so the binary
 * behaves alike on old and new glibc.
 */
typedef int nx_main_fn(int, char **, char **);
typedef void nx_init_fn(int, char **, char **);

extern int nx_libc_start_main_2_2_5(nx_main_fn *main, int argc, char **argv,
                                    nx_init_fn *init, void (*fini)(void),
                                    void (*rtld_fini)(void), void *stack_end);
__asm__(".symver nx_libc_start_main_2_2_5, __libc_start_main@GLIBC_2.2.5");

/* From crti.o and the linker's default script (hidden, this binary's own). */
extern void _init(void);
extern nx_init_fn *const __init_array_start[];
extern nx_init_fn *const __init_array_end[];

static void nx_run_constructors(int argc, char **argv, char **envp)
{
    _init();
    for (nx_init_fn *const *fn = __init_array_start; fn < __init_array_end; fn++)
        (*fn)(argc, argv, envp);
}

int __wrap___libc_start_main(nx_main_fn *main, int argc, char **argv,
                             nx_init_fn *init, void (*fini)(void),
                             void (*rtld_fini)(void), void *stack_end)
{
    /* A start file that passes its own init (glibc 2.33 and older) keeps it. */
    return nx_libc_start_main_2_2_5(main, argc, argv, init ? init : nx_run_constructors,
                                    fini, rtld_fini, stack_end);
}

/* ---- stat, fstat, lstat, fstatat ------------------------------------------
 * glibc 2.33 made these real functions (GLIBC_2.33). Before, <sys/stat.h>
 * turned them into __xstat, __fxstat, __lxstat and __fxstatat (2.4) with
 * a structure version, 1 (_STAT_VER_LINUX) for x86_64's struct stat, and
 * every glibc since keeps those for old binaries. Same structure, same
 * errno. All four are here, used or not, so that a new stat call in the
 * launcher does not raise its glibc floor.
 */
extern int nx_xstat_2_2_5(int ver, const char *path, struct stat *buf);
extern int nx_fxstat_2_2_5(int ver, int fd, struct stat *buf);
extern int nx_lxstat_2_2_5(int ver, const char *path, struct stat *buf);
extern int nx_fxstatat_2_4(int ver, int dirfd, const char *path, struct stat *buf, int flags);
__asm__(".symver nx_xstat_2_2_5, __xstat@GLIBC_2.2.5");
__asm__(".symver nx_fxstat_2_2_5, __fxstat@GLIBC_2.2.5");
__asm__(".symver nx_lxstat_2_2_5, __lxstat@GLIBC_2.2.5");
__asm__(".symver nx_fxstatat_2_4, __fxstatat@GLIBC_2.4");
#define NX_STAT_VER_LINUX 1

int __wrap_stat(const char *path, struct stat *buf)
{
    return nx_xstat_2_2_5(NX_STAT_VER_LINUX, path, buf);
}

int __wrap_fstat(int fd, struct stat *buf)
{
    return nx_fxstat_2_2_5(NX_STAT_VER_LINUX, fd, buf);
}

int __wrap_lstat(const char *path, struct stat *buf)
{
    return nx_lxstat_2_2_5(NX_STAT_VER_LINUX, path, buf);
}

int __wrap_fstatat(int dirfd, const char *path, struct stat *buf, int flags)
{
    return nx_fxstatat_2_4(NX_STAT_VER_LINUX, dirfd, path, buf, flags);
}
