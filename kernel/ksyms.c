/*
 * SPDX-License-Identifier: MIT
 * kernel/ksyms.c - from a code address to "function+0xoff/0xsize".
 *
 * The kernel carries its own symbol table so that an oops can name the
 * functions on the stack without a debugger.  tools/mksyms writes it, from
 * `nm` of a first link, into the .ksyms section of the second link:
 *
 *   ksyms_count   u64: number of entries
 *   ksyms_table   struct ksym[ksyms_count], sorted by address
 *   ksyms_names   the names, NUL-terminated, one after the other
 *
 *   ksyms_table[i]                         ksyms_names
 *   +------------+------+----------+       +---------------------------+
 *   | addr (u64) | size | name_off | --->  | ... "printk\0" ...        |
 *   +------------+------+----------+       +---------------------------+
 *
 * The table lives in read-only memory and is never written, so lookups take
 * no lock and work from any context, the panic path included.  The tests
 * module carries a second table of the same shape for its own functions
 * (ktests_ksyms_*, in its .ktests.ksyms), read only while it is loaded.
 */
#include <kernel/ktests.h>
#include <kernel/panic.h>
#include <kernel/types.h>
#include <stdio.h>

struct ksym {
	u64 addr;
	u32 size;     /* bytes; assembly labels without .size reach the next symbol */
	u32 name_off; /* offset of the name in ksyms_names */
};

_Static_assert(sizeof(struct ksym) == 16, "tools/mksyms emits .quad, .long, .long");

/* Defined by the generated ksyms.S (tools/mksyms): the kernel's table, and the tests module's. */
extern const u64 ksyms_count, ktests_ksyms_count;
extern const struct ksym ksyms_table[], ktests_ksyms_table[];
extern const char ksyms_names[], ktests_ksyms_names[];

struct ksym_table {
	const u64 *count;
	const struct ksym *table;
	const char *names;
};

static const struct ksym_table kernel_syms = { &ksyms_count, ksyms_table, ksyms_names };
/* In the tests module (include/kernel/ktests.h): read only once it is loaded. */
static const struct ksym_table ktests_syms = { &ktests_ksyms_count, ktests_ksyms_table,
					       ktests_ksyms_names };

/* Index of the last entry of @t whose address is <= @addr, or -1 if there is none. */
static long ksym_search(const struct ksym_table *t, unsigned long addr)
{
	long lo = 0, hi = (long)*t->count - 1, found = -1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;

		if (t->table[mid].addr <= addr) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

/* ksym_lookup() in one table. */
static const char *ksym_lookup_in(const struct ksym_table *t, unsigned long addr,
				  unsigned long *offset, unsigned long *size)
{
	long i = ksym_search(t, addr);

	/* Aliases share an address: walk back over them to find one big enough. */
	for (; i >= 0 && t->table[i].addr <= addr; i--) {
		const struct ksym *s = &t->table[i];

		if (addr - s->addr < s->size) {
			if (offset)
				*offset = addr - s->addr;
			if (size)
				*size = s->size;
			return t->names + s->name_off;
		}
		if (i > 0 && t->table[i - 1].addr != s->addr)
			break;
	}
	return NULL;
}

/**
 * ksym_lookup - the function that contains @addr.
 * @addr:   a code address
 * @offset: where to store @addr minus the function's start (may be NULL)
 * @size:   where to store the function's size in bytes (may be NULL)
 *
 * Returns the function's name (in the read-only symbol table, never freed),
 * or NULL if @addr is inside no known function.  Several names for one
 * address (aliases) are possible; any one that covers @addr is returned.
 * The tests module's functions are found while it is loaded.
 * Context: any, no locks.
 */
const char *ksym_lookup(unsigned long addr, unsigned long *offset, unsigned long *size)
{
	if (addr >= (unsigned long)_ktests_start)
		return ktests_loaded() ? ksym_lookup_in(&ktests_syms, addr, offset, size) : NULL;
	return ksym_lookup_in(&kernel_syms, addr, offset, size);
}

/**
 * ksym_format - write @addr as "function+0xoff/0xsize" into @buf.
 * @addr: a code address
 * @buf:  destination, always NUL-terminated (if @len > 0)
 * @len:  size of @buf
 *
 * Returns true if @addr was symbolized, false if it is inside no known
 * function; then @buf holds the bare address ("0xffffffff80101234").
 * Context: any, no locks.
 */
bool ksym_format(unsigned long addr, char *buf, size_t len)
{
	unsigned long off, size;
	const char *name = ksym_lookup(addr, &off, &size);

	if (!name) {
		snprintf(buf, len, "0x%016lx", addr);
		return false;
	}
	snprintf(buf, len, "%s+0x%lx/0x%lx", name, off, size);
	return true;
}
