/* K1 instruction counter for QEMU 7.2 TCG plugins (plugin API v1).
 *
 * Counts every guest instruction executed and, at each "mark" address, attributes the
 * instructions executed since the previous mark (any mark) to the mark reached. The harness
 * calls a marker function after each piece of work, so the interval that ends at k1_mark_hop is
 * one hop of analysis, the one that ends at k1_mark_frame one frame. At exit it prints, per mark:
 * how many intervals, their sum, min and max.
 *
 * Arguments: mark=ADDR (up to 8, addresses from `llvm-nm-22`; the Thumb bit is cleared).
 * Build: gcc -O2 -shared -fPIC -fvisibility=hidden -o libk1marks.so k1-marks.c
 *
 * Debian's QEMU ships no qemu-plugin.h, so the few API functions used are declared here as
 * QEMU 7.2 defines them. Counts are exact and repeatable: QEMU executes instructions, it does
 * not model cycles. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))
typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
struct qemu_info_t;
enum { INLINE_ADD_U64 = 0 };
enum { CB_NO_REGS = 0 };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, void (*)(qemu_plugin_id_t, struct qemu_plugin_tb *));
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *, size_t);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *, int, void *, uint64_t);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *, void (*)(unsigned int, void *), int, void *);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, void (*)(qemu_plugin_id_t, void *), void *);

EXPORT int qemu_plugin_version = 1;

#define MAX_MARKS 8

struct mark {
    uint64_t addr;
    uint64_t count, sum, min, max;
};

static struct mark marks[MAX_MARKS];
static int n_marks;
/* Instructions executed so far; updated per instruction, before the instruction's callbacks,
 * so the value a mark sees includes the marked instruction itself. */
static uint64_t total;
/* `total` at the previous mark. */
static uint64_t last;
static int reported;

static void on_mark(unsigned int vcpu, void *udata) {
    (void)vcpu;
    struct mark *m = udata;
    uint64_t d = total - last;
    last = total;
    if (m->count == 0 || d < m->min) m->min = d;
    if (d > m->max) m->max = d;
    m->sum += d;
    m->count++;
}

static void report(void) {
    if (reported++) return;
    fprintf(stderr, "k1-marks total=%llu\n", (unsigned long long)total);
    for (int i = 0; i < n_marks; i++) {
        const struct mark *m = &marks[i];
        fprintf(stderr, "k1-marks mark=0x%llx count=%llu sum=%llu min=%llu max=%llu\n",
                (unsigned long long)m->addr, (unsigned long long)m->count,
                (unsigned long long)m->sum, (unsigned long long)m->min,
                (unsigned long long)m->max);
    }
}

static void at_exit(qemu_plugin_id_t id, void *p) { (void)id; (void)p; report(); }
/* QEMU may leave through exit() from a semihosting call before the atexit callback runs. */
__attribute__((destructor)) static void on_unload(void) { report(); }

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        qemu_plugin_register_vcpu_insn_exec_inline(insn, INLINE_ADD_U64, &total, 1);
        uint64_t va = qemu_plugin_insn_vaddr(insn);
        for (int k = 0; k < n_marks; k++)
            if (va == marks[k].addr)
                qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, CB_NO_REGS, &marks[k]);
    }
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info, int argc, char **argv) {
    (void)info;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "mark=", 5) != 0) {
            fprintf(stderr, "k1-marks: unknown argument %s\n", argv[i]);
            return -1;
        }
        if (n_marks == MAX_MARKS) {
            fprintf(stderr, "k1-marks: more than %d marks\n", MAX_MARKS);
            return -1;
        }
        char *end;
        uint64_t a = strtoull(argv[i] + 5, &end, 0);
        if (*end != '\0' || end == argv[i] + 5) {
            fprintf(stderr, "k1-marks: bad address %s\n", argv[i] + 5);
            return -1;
        }
        marks[n_marks++].addr = a & ~(uint64_t)1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
