/*
 * SPDX-License-Identifier: MIT
 * mm/slab_debug.c - slub_debug: red zones, poison, call-site tracking, the
 * checks that use them, and every report the slab allocator prints.
 *
 * What a debugging cache does (flags in mm/slab.h, layout drawn in
 * mm/slab_internal.h):
 *
 *   new slab     (P) the whole slab filled with 0x5a; every object set up
 *                free: red zones 0xbb, (P) body 0x6b ... 0x6b 0xa5
 *   allocation   (F) the object must be as free left it: red zones 0xbb,
 *                poison intact, free pointer sane - else "Poison
 *                overwritten" (a write after free) and the like; then red
 *                zones 0xcc, (U) the alloc call site recorded
 *   free         (F) the pointer must be a live object of this cache -
 *                else "Object already free", "Invalid object pointer";
 *                its red zones must still be 0xcc - else "Redzone
 *                overwritten" (a write past the end); then poisoned, red
 *                zones 0xbb, (U) the free call site recorded
 *   validate     kmem_cache_validate() runs the same checks on every object
 *
 * As in Linux, the checks at allocation and free time belong to F: Z and P
 * alone lay out the guard bytes, which F and kmem_cache_validate() read.
 *
 * After a report the damage is repaired ("FIX <cache>: Restoring ...") and
 * the object quarantined (slab.c).  Linux marks the whole slab used
 * instead; one object is enough here, and it keeps the counters exact.
 */
#include <kernel/cmdline.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <stdarg.h>
#include <stdio.h>

#include "slab_internal.h"

unsigned long slab_debug_errors;
u8 slab_state_buf[SLAB_MAX_OBJECTS];
DEFINE_SPINLOCK(slab_debug_lock);

static void fix_node_lists(struct kmem_cache_node *n);

/*
 * The slub_debug= option as given; "-" (Linux's "none") until the command
 * line says otherwise.  A bare "slub_debug" means "slub_debug=": all checks
 * on all caches, as in Linux.
 */
static char slub_debug_opt[128] = "-";
cmdline_param_string_opt(slub_debug, slub_debug_opt,
			 "slab debugging: [FZPU][,cache,...] (empty: all checks on all caches)");

#define OBJECT_DUMP_MAX 128 /* bytes of an object shown in a report */
#define LEAKS_SHOWN	16  /* live objects kmem_cache_destroy names */

/* ---- slub_debug= ------------------------------------------------------------- */

/* The flags spelled by the letters in [p, end); none at all means every flag. */
static slab_flags_t parse_letters(const char *p, const char *end)
{
	slab_flags_t flags = 0;

	if (p == end)
		return SLAB_DEBUG_FLAGS;
	for (; p < end; p++) {
		switch (*p | 0x20) { /* lower case, as Linux accepts both */
		case 'f':
			flags |= SLAB_CONSISTENCY_CHECKS;
			break;
		case 'z':
			flags |= SLAB_RED_ZONE;
			break;
		case 'p':
			flags |= SLAB_POISON;
			break;
		case 'u':
			flags |= SLAB_STORE_USER;
			break;
		case '-':
			flags = 0;
			break;
		/* 3.10 also acts on T and A; we accept and ignore them: docs/linux-3.10.md */
		default:
			break; /* Linux's other letters (T, A, O): nothing to do here */
		}
	}
	return flags;
}

/* Is @name in the comma-separated list [p, end)?  A trailing '*' matches a prefix. */
static bool name_in_list(const char *p, const char *end, const char *name)
{
	while (p < end) {
		const char *comma = memchr(p, ',', end - p);
		size_t len = (comma ? comma : end) - p;

		if (len && p[len - 1] == '*' && !strncmp(p, name, len - 1))
			return true;
		if (len == strlen(name) && !strncmp(p, name, len))
			return true;
		p += len + 1;
	}
	return false;
}

slab_flags_t slub_debug_parse(const char *opt, const char *name)
{
	slab_flags_t global = 0;

	do {
		size_t len = strcspn(opt, ";");
		const char *end = opt + len, *names = memchr(opt, ',', len);
		slab_flags_t flags = parse_letters(opt, names ? names : end);

		if (!names)
			global = flags; /* a block without names: every cache */
		else if (name_in_list(names + 1, end, name))
			return flags; /* a block naming this cache wins */
		opt = *end ? end + 1 : end;
	} while (*opt);
	return global;
}

slab_flags_t kmem_cache_flags(const char *name, slab_flags_t flags)
{
	return flags | slub_debug_parse(slub_debug_opt, name);
}

/* ---- object layout helpers ------------------------------------------------------ */

/* Where the metadata after the free pointer (the tracks) starts. */
static unsigned int get_info_end(const struct kmem_cache *s)
{
	return freeptr_outside_object(s) ? s->offset + sizeof(void *) : s->inuse;
}

/* The bytes of a slot from the object to its end (the next slot's left red zone). */
static unsigned int size_from_object(const struct kmem_cache *s)
{
	return s->size - s->red_left_pad;
}

static struct track *get_track(const struct kmem_cache *s, void *object, enum track_item item)
{
	return (struct track *)((char *)object + get_info_end(s)) + item;
}

static void set_track(const struct kmem_cache *s, void *object, enum track_item item,
		      unsigned long addr)
{
	struct track *t = get_track(s, object, item);

	t->addr = addr;
	t->when = jiffies;
	t->pid = current ? current->pid : 0;
}

/* Red zones to @val, and (P) the object body poisoned. */
static void init_object(const struct kmem_cache *s, void *object, u8 val)
{
	u8 *p = object;

	if (s->flags & SLAB_RED_ZONE)
		memset(p - s->red_left_pad, val, s->red_left_pad);
	if (s->flags & __OBJECT_POISON) {
		memset(p, POISON_FREE, s->object_size - 1);
		p[s->object_size - 1] = POISON_END;
	}
	if (s->flags & SLAB_RED_ZONE)
		memset(p + s->object_size, val, s->inuse - s->object_size);
}

/* The first byte in [start, start + bytes) that is not @value, or NULL. */
static u8 *memchr_inv(u8 *start, u8 value, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		if (start[i] != value)
			return start + i;
	return NULL;
}

/* ---- reports ------------------------------------------------------------------ */

static void slab_bug(const struct kmem_cache *s, const char *what)
{
	__atomic_add_fetch(&slab_debug_errors, 1, __ATOMIC_RELAXED); /* reports from any CPU */
	pr_err("=============================================================================\n");
	pr_err("BUG %s (Not tainted): %s\n", s ? s->name : "kmalloc", what);
	pr_err("-----------------------------------------------------------------------------\n");
}

void slab_fix(struct kmem_cache *s, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr_err("FIX %s: %s\n", s->name, buf);
}

/* @addr symbolized, as "func+0x1c/0x80". */
static const char *sym(unsigned long addr, char *buf, size_t len)
{
	ksym_format(addr, buf, len);
	return buf;
}

static void print_track(const char *what, const struct track *t)
{
	char buf[96];

	if (!t->addr)
		return;
	pr_err("INFO: %s in %s age=%lu pid=%d\n", what, sym(t->addr, buf, sizeof(buf)),
	       jiffies - t->when, t->pid);
}

static void print_tracking(const struct kmem_cache *s, void *object)
{
	if (!(s->flags & SLAB_STORE_USER))
		return;
	print_track("Allocated", get_track(s, object, TRACK_ALLOC));
	print_track("Freed", get_track(s, object, TRACK_FREE));
}

static void print_page_info(const struct kmem_cache *s, struct page *page)
{
	pr_err("INFO: Slab 0x%lx objects=%u used=%u fp=0x%lx flags=0x%lx\n",
	       (unsigned long)slab_address(page), page->objects, page->inuse,
	       (unsigned long)page->freelist, page->flags);
}

/* A hex dump, 16 bytes a line, with the bytes as text after. */
static void print_section(const char *text, const u8 *addr, unsigned int len)
{
	for (unsigned int off = 0; off < len; off += 16) {
		unsigned int n = min(16U, len - off);
		char hex[16 * 3 + 1] = "", ascii[17] = "";

		for (unsigned int i = 0; i < n; i++) {
			u8 c = addr[off + i];

			snprintf(hex + 3 * i, 4, "%02x ", c);
			ascii[i] = c >= 0x20 && c < 0x7f ? (char)c : '.';
		}
		pr_err("%-8s 0x%lx: %-48s %s\n", text, (unsigned long)(addr + off), hex, ascii);
	}
}

/*
 * Everything known about @object: tracks, slab, its bytes (a window around
 * @fault for a big object), and where we are.
 */
static void print_trailer(const struct kmem_cache *s, struct page *page, u8 *object, u8 *fault)
{
	char *base = slab_address(page);
	unsigned int off = get_info_end(s), len = s->object_size;
	u8 *start = object;

	print_tracking(s, object);
	print_page_info(s, page);
	pr_err("INFO: Object 0x%lx @offset=%lu fp=0x%lx\n", (unsigned long)object,
	       (unsigned long)((char *)object - base), (unsigned long)get_freepointer(s, object));
	if (s->flags & SLAB_RED_ZONE)
		print_section("Redzone", object - s->red_left_pad, s->red_left_pad);
	if (len > OBJECT_DUMP_MAX) {
		if (fault && fault >= object && fault < object + len)
			start = max(object, (u8 *)ALIGN_DOWN((unsigned long)fault, 16) - 32);
		len = min((unsigned int)OBJECT_DUMP_MAX, (unsigned int)(object + len - start));
	}
	print_section("Object", start, len);
	if (s->flags & SLAB_RED_ZONE)
		print_section("Redzone", object + s->object_size, s->inuse - s->object_size);
	if (s->flags & SLAB_STORE_USER)
		off += 2 * sizeof(struct track);
	if (size_from_object(s) > off)
		print_section("Padding", object + off, size_from_object(s) - off);
	dump_stack();
}

void object_err(struct kmem_cache *s, struct page *page, void *object, const char *reason)
{
	slab_bug(s, reason);
	print_trailer(s, page, object, NULL);
}

void slab_err(struct kmem_cache *s, struct page *page, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	slab_bug(s, buf);
	print_page_info(s, page);
	dump_stack();
}

void slab_report_bad_free(struct kmem_cache *s, struct page *page, const void *x,
			  unsigned long addr, const char *what)
{
	char buf[96];

	slab_bug(s, what);
	pr_err("INFO: 0x%lx freed from %s\n", (unsigned long)x, sym(addr, buf, sizeof(buf)));
	if (page) {
		/* The object holding @x: who allocated and freed it tells the story. */
		unsigned int i = slab_index(s, page, x);

		if (i < page->objects)
			print_trailer(s, page, slab_object(s, slab_address(page), i), (u8 *)x);
	} else {
		dump_stack();
	}
	if (s)
		slab_fix(s, "Object at 0x%lx not freed", (unsigned long)x);
}

/* ---- checks ------------------------------------------------------------------- */

/*
 * check_bytes_and_report - are the @bytes at @start all @value?  If not,
 * report the damaged range of @object's @what, and restore it.
 */
static bool check_bytes_and_report(struct kmem_cache *s, struct page *page, u8 *object,
				   const char *what, u8 *start, u8 value, unsigned int bytes)
{
	u8 *fault = memchr_inv(start, value, bytes), *end = start + bytes;
	char title[48];

	if (!fault)
		return true;
	while (end > fault && end[-1] == value)
		end--;
	snprintf(title, sizeof(title), "%s overwritten", what);
	slab_bug(s, title);
	pr_err("INFO: 0x%lx-0x%lx @offset=%lu. First byte 0x%x instead of 0x%x\n",
	       (unsigned long)fault, (unsigned long)end - 1,
	       (unsigned long)((char *)fault - slab_address(page)), *fault, value);
	print_trailer(s, page, object, fault);
	memset(fault, value, end - fault);
	slab_fix(s, "Restoring %s 0x%lx-0x%lx=0x%x", what, (unsigned long)fault,
		 (unsigned long)end - 1, value);
	return false;
}

/* The padding after the metadata (P): still 0x5a? */
static bool check_pad_bytes(struct kmem_cache *s, struct page *page, u8 *p)
{
	unsigned int off = get_info_end(s);

	if (s->flags & SLAB_STORE_USER)
		off += 2 * sizeof(struct track);
	if (size_from_object(s) == off)
		return true;
	return check_bytes_and_report(s, page, p, "Object padding", p + off, POISON_INUSE,
				      size_from_object(s) - off);
}

/*
 * check_object - is @object in the state @val says (SLUB_RED_ACTIVE:
 * allocated, SLUB_RED_INACTIVE: free)?  Checks what the flags laid out;
 * reports and repairs each problem.
 */
static bool check_object(struct kmem_cache *s, struct page *page, void *object, u8 val)
{
	u8 *p = object, *endobject = p + s->object_size;
	bool ok = true;

	if (s->flags & SLAB_RED_ZONE) {
		ok &= check_bytes_and_report(s, page, p, "Left Redzone", p - s->red_left_pad, val,
					     s->red_left_pad);
		ok &= check_bytes_and_report(s, page, p, "Redzone", endobject, val,
					     s->inuse - s->object_size);
	} else if ((s->flags & SLAB_POISON) && s->object_size < s->inuse) {
		ok &= check_bytes_and_report(s, page, p, "Alignment padding", endobject,
					     POISON_INUSE, s->inuse - s->object_size);
	}
	if (s->flags & SLAB_POISON) {
		if (val != SLUB_RED_ACTIVE && (s->flags & __OBJECT_POISON))
			ok &= check_bytes_and_report(s, page, p, "Poison", p, POISON_FREE,
						     s->object_size - 1) &&
			      check_bytes_and_report(s, page, p, "End Poison", endobject - 1,
						     POISON_END, 1);
		ok &= check_pad_bytes(s, page, p);
	}
	/* An allocated object's first word is the user's, unless the free pointer lives outside. */
	if ((freeptr_outside_object(s) || val != SLUB_RED_ACTIVE) &&
	    !check_valid_pointer(s, page, get_freepointer(s, p))) {
		object_err(s, page, p, "Freepointer corrupt");
		set_freepointer(s, p, NULL);
		slab_fix(s, "Isolate corrupted freechain (what follows is lost)");
		ok = false;
	}
	return ok;
}

void setup_slab_debug(struct kmem_cache *s, struct page *page)
{
	char *base = slab_address(page);

	if (s->flags & SLAB_POISON)
		memset(base, POISON_INUSE, slab_bytes(s));
	for (unsigned int i = 0; i < page->objects; i++) {
		void *object = slab_object(s, base, i);

		init_object(s, object, SLUB_RED_INACTIVE);
		if (s->flags & SLAB_STORE_USER)
			memset(get_track(s, object, TRACK_ALLOC), 0, 2 * sizeof(struct track));
	}
}

bool alloc_debug_processing(struct kmem_cache *s, struct page *page, void *object,
			    unsigned long addr)
{
	if ((s->flags & SLAB_CONSISTENCY_CHECKS) &&
	    !check_object(s, page, object, SLUB_RED_INACTIVE)) {
		slab_fix(s, "Object at 0x%lx quarantined", (unsigned long)object);
		return false;
	}
	if (s->flags & SLAB_STORE_USER)
		set_track(s, object, TRACK_ALLOC, addr);
	init_object(s, object, SLUB_RED_ACTIVE);
	return true;
}

enum free_verdict free_debug_processing(struct kmem_cache *s, struct page *page, void *object,
					unsigned long addr)
{
	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		if (!slab_object_states(s, page, slab_state_buf))
			/* a cut may have left a partial slab with nothing free */
			fix_node_lists(&s->node[slab_nid(page)]);
		if (slab_state_buf[slab_index(s, page, object)] != OBJ_LIVE) {
			slab_report_bad_free(s, page, object, addr, "Object already free");
			return FREE_IGNORE;
		}
		if (!check_object(s, page, object, SLUB_RED_ACTIVE)) {
			slab_fix(s, "Object at 0x%lx not freed, quarantined",
				 (unsigned long)object);
			return FREE_QUARANTINE;
		}
	}
	if (s->flags & SLAB_STORE_USER)
		set_track(s, object, TRACK_FREE, addr);
	init_object(s, object, SLUB_RED_INACTIVE);
	return FREE_OK;
}

void slab_pad_check(struct kmem_cache *s, struct page *page)
{
	u8 *base = (u8 *)slab_address(page), *start, *fault, *end;
	unsigned int used = page->objects * s->size;

	if (!(s->flags & SLAB_POISON) || used == slab_bytes(s))
		return;
	start = base + used;
	end = base + slab_bytes(s);
	fault = memchr_inv(start, POISON_INUSE, end - start);
	if (!fault)
		return;
	while (end > fault && end[-1] == POISON_INUSE)
		end--;
	slab_err(s, page, "Padding overwritten. 0x%lx-0x%lx @offset=%lu", (unsigned long)fault,
		 (unsigned long)end - 1, (unsigned long)(fault - base));
	print_section("Padding", fault, min(end - fault, (long)OBJECT_DUMP_MAX));
	memset(fault, POISON_INUSE, end - fault);
	slab_fix(s, "Restoring Padding 0x%lx-0x%lx=0x%x", (unsigned long)fault,
		 (unsigned long)end - 1, POISON_INUSE);
}

/* ---- walking slabs -------------------------------------------------------------- */

/* Move partial slabs of @n that a cut freelist left without free objects to the full list. */
static void fix_node_lists(struct kmem_cache_node *n)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, &n->partial, lru)
		if (!page->freelist) {
			list_del(&page->lru);
			n->nr_partial--;
			list_add(&page->lru, &n->full);
		}
}

void for_each_slab(struct kmem_cache *s, void (*fn)(struct kmem_cache *, struct page *, void *),
		   void *arg)
{
	for (int nid = 0; nid < MAX_NUMNODES; nid++) {
		struct kmem_cache_node *n = &s->node[nid];
		unsigned long flags;
		struct page *page;

		spin_lock_irqsave(&n->list_lock, flags);
		spin_lock(&slab_debug_lock);
		list_for_each_entry(page, &n->partial, lru)
			fn(s, page, arg);
		list_for_each_entry(page, &n->full, lru)
			fn(s, page, arg);
		fix_node_lists(n);
		spin_unlock(&slab_debug_lock);
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
}

/*
 * Mark the objects of freelist @object FREE; cut the list where it goes wrong.
 * Returns the count.
 */
static unsigned int mark_freelist(struct kmem_cache *s, struct page *page, void **head, u8 *state)
{
	unsigned int nr = 0;
	void **link = head;

	while (*link) {
		void *object = *link;

		if (!check_valid_pointer(s, page, object) ||
		    state[slab_index(s, page, object)] != OBJ_LIVE) {
			slab_err(s, page, "Freechain corrupt: 0x%lx after %u good objects",
				 (unsigned long)object, nr);
			*link = NULL;
			slab_fix(s, "Isolate corrupted freechain (what follows is lost)");
			break;
		}
		state[slab_index(s, page, object)] = OBJ_FREE;
		nr++;
		link = (void **)((char *)object + s->offset);
	}
	return nr;
}

bool slab_object_states(struct kmem_cache *s, struct page *page, u8 *state)
{
	unsigned long errors = slab_debug_errors;
	unsigned int nr_free;

	memset(state, OBJ_LIVE, page->objects);
	nr_free = mark_freelist(s, page, &page->freelist, state);
	if (page->frozen) {
		struct kmem_cache_cpu *c = this_cpu_ptr(s->cpu_slab);

		/* Another CPU's cpu freelist is its own: those objects show as live. */
		if (c->page == page)
			mark_freelist(s, page, &c->freelist, state);
	} else if (page->inuse != page->objects - nr_free) {
		pr_err("FIX %s: slab 0x%lx counted %u objects in use, %u really\n", s->name,
		       (unsigned long)slab_address(page), page->inuse, page->objects - nr_free);
		page->inuse = page->objects - nr_free;
	}
	for (unsigned int i = 0; i < s->nr_quarantined; i++)
		if (slab_virt_to_head_page(s->quarantine[i]) == page)
			state[slab_index(s, page, s->quarantine[i])] = OBJ_QUARANTINED;
	return errors == slab_debug_errors;
}

/* ---- validate and leaks -------------------------------------------------------- */

static void validate_slab(struct kmem_cache *s, struct page *page, void *unused)
{
	char *base = slab_address(page);
	unsigned long errors = slab_debug_errors;

	slab_object_states(s, page, slab_state_buf);
	slab_pad_check(s, page);
	for (unsigned int i = 0; i < page->objects; i++) {
		void *object = slab_object(s, base, i);

		if (slab_state_buf[i] == OBJ_FREE)
			check_object(s, page, object, SLUB_RED_INACTIVE);
		else if (slab_state_buf[i] == OBJ_LIVE)
			check_object(s, page, object, SLUB_RED_ACTIVE);
	}
	if (errors != slab_debug_errors)
		slab_object_states(s, page, slab_state_buf); /* a cut freelist: recount */
}

int kmem_cache_validate(struct kmem_cache *s)
{
	unsigned long errors = READ_ONCE(slab_debug_errors);

	flush_all(s); /* every slab on a node list, where it can be walked */
	for_each_slab(s, validate_slab, NULL)
		;
	return READ_ONCE(slab_debug_errors) - errors;
}

/* Name the live objects of one slab; @arg counts how many have been named. */
static void list_slab_objects(struct kmem_cache *s, struct page *page, void *arg)
{
	unsigned long *shown = arg;
	char *base = slab_address(page);

	slab_object_states(s, page, slab_state_buf);
	for (unsigned int i = 0; i < page->objects; i++) {
		void *object = slab_object(s, base, i);

		if (slab_state_buf[i] != OBJ_LIVE || ++*shown > LEAKS_SHOWN)
			continue;
		pr_err("INFO: Object 0x%lx @offset=%lu\n", (unsigned long)object,
		       (unsigned long)((char *)object - base));
		print_tracking(s, object);
	}
}

void slab_report_leaks(struct kmem_cache *s, unsigned long live, unsigned long addr)
{
	unsigned long shown = 0;
	char buf[96];

	slab_debug_errors++;
	pr_err("kmem_cache_destroy %s: Slab cache still has objects when called from %s\n", s->name,
	       sym(addr, buf, sizeof(buf)));
	pr_err("INFO: %lu objects remaining in %s; the cache is left as it is\n", live, s->name);
	for_each_slab(s, list_slab_objects, &shown)
		;
	if (shown > LEAKS_SHOWN)
		pr_err("INFO: ... and %lu more\n", shown - LEAKS_SHOWN);
}
