/*
 * SPDX-License-Identifier: MIT
 * block/bio_set.c - where bios come from: bio sets (a slab and two
 * mempools), the six biovec slabs, bvec_alloc, fs_bio_set, bio_alloc_bioset
 * and bio_put.
 * Semantics of Linux 3.10's fs/bio.c; the code is our own.
 *
 * Design notes.
 *
 *  - A bio of a set is one slab object: front_pad bytes for the caller,
 *    the struct bio, BIO_INLINE_VECS vecs.  Bios of up to 4 vecs need
 *    nothing more; bigger ones take a vec array from a biovec slab.  There
 *    are BIOVEC_NR_POOLS slabs, as in 3.10; bvec_alloc picks the first one
 *    (by index) whose arrays are big enough:
 *
 *      nr vecs       1          2..4       5..16      17..64     65..128     129..256
 *      slab          biovec-1   biovec-4   biovec-16  biovec-64  biovec-128  biovec-256
 *      BIO_POOL_IDX  0          1          2          3          4           5 (MAX)
 *
 *    A bio of a set never uses biovec-1 or biovec-4 (its 4 inline vecs
 *    serve), exactly as in 3.10; they are there for bvec_alloc's other
 *    callers.  A bio with no array of its own has BIO_POOL_IDX NONE.  The
 *    index is kept in the top bits of bi_flags, so bio_put knows where to
 *    give the array back.
 *
 *  - The reserve.  bio_pool holds pool_size bio objects; bvec_pool holds
 *    pool_size arrays of the largest size.  A smaller array that the slab
 *    cannot give (without sleeping) is taken from bvec_pool when the
 *    caller may sleep: a 256-vec array serves any bio.  So with __GFP_WAIT
 *    both parts of a bio are guaranteed - as long as the mempool's own
 *    rule holds (the caller holds no unsubmitted element of the pool).
 *
 *  - Each set has its own slab, named "bio-<n>" (Linux shares one slab
 *    among sets of equal object size).  fs_bio_set is set 0, named "fs".
 *
 * Locking: none here; the mempools and slabs lock themselves (a bio
 * allocated on one CPU is often freed on another: the one its completion
 * ran on).  bi_cnt is atomic, as 3.10's; bioset_seq is taken atomically.
 * bioset_create and bioset_free are thread context.
 */
#include <block/bio.h>
#include <kernel/boot_report.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/smp.h>
#include <kernel/trace.h>
#include <mm/mempool.h>
#include <mm/slab.h>
#include <stdio.h>
#include <string.h>

#include "blk.h"

struct biovec_slab {
	int nr_vecs;
	const char *name;
	struct kmem_cache *slab;
};

/* 3.10's six sizes, smallest first: bvec_slab_index relies on the order. */
static struct biovec_slab bvec_slabs[BIOVEC_NR_POOLS] = {
	{ 1, "biovec-1", NULL },     { 4, "biovec-4", NULL },
	{ 16, "biovec-16", NULL },   { 64, "biovec-64", NULL },
	{ 128, "biovec-128", NULL }, { BIO_MAX_PAGES, "biovec-256", NULL },
};

BUILD_BUG_ON(BIOVEC_NR_POOLS >= BIO_POOL_NONE);

struct bio_set *fs_bio_set;
static unsigned int bioset_seq; /* names sets "0", "1", ... */

/*
 * Bios handed out and not yet freed, counted on the CPU that allocated or freed each (one
 * %gs-relative add: safe in interrupts, no shared cache line).  One CPU's count goes
 * negative when it frees what another allocated; the sum is exact.  For `memcheck`.
 * 3.10 counts no bios: docs/linux-3.10.md#bios-in-use
 */
static DEFINE_PER_CPU(long, bios_allocated_less_freed);

unsigned long bios_in_use(void)
{
	long sum = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(bios_allocated_less_freed, cpu));
	return (unsigned long)sum;
}

/* The first slab whose arrays hold @nr (1..BIO_MAX_PAGES) vecs. */
static unsigned long bvec_slab_index(int nr)
{
	unsigned long idx = 0;

	while (bvec_slabs[idx].nr_vecs < nr)
		idx++;
	return idx;
}

unsigned int bvec_nr_vecs(unsigned short idx)
{
	BUG_ON(idx >= BIOVEC_NR_POOLS);
	return bvec_slabs[idx].nr_vecs;
}

struct bio_vec *bvec_alloc(gfp_t gfp, int nr, unsigned long *idx, mempool_t *pool)
{
	gfp_t gentle = (gfp & ~(__GFP_WAIT | __GFP_IO)) | __GFP_NOMEMALLOC | __GFP_NOWARN;
	struct bio_vec *bvl;

	if (nr < 1 || nr > BIO_MAX_PAGES)
		return NULL;
	*idx = bvec_slab_index(nr);
	if (*idx == BIOVEC_MAX_IDX)
		return mempool_alloc(pool, gfp);
	bvl = kmem_cache_alloc(bvec_slabs[*idx].slab, gentle);
	if (!bvl && (gfp & __GFP_WAIT)) {
		*idx = BIOVEC_MAX_IDX;
		bvl = mempool_alloc(pool, gfp);
	}
	return bvl;
}

void bvec_free(mempool_t *pool, struct bio_vec *bv, unsigned int idx)
{
	BUG_ON(idx >= BIOVEC_NR_POOLS);
	if (idx == BIOVEC_MAX_IDX)
		mempool_free(bv, pool);
	else
		kmem_cache_free(bvec_slabs[idx].slab, bv);
}

/* The pools' report names follow the set's name. */
static void bioset_name_pools(struct bio_set *bs)
{
	char name[MEMPOOL_NAME_LEN];

	snprintf(name, sizeof(name), "bio-%s", bs->name);
	mempool_set_name(bs->bio_pool, name);
	snprintf(name, sizeof(name), "biovec-%s", bs->name);
	mempool_set_name(bs->bvec_pool, name);
}

void bioset_set_name(struct bio_set *bs, const char *name)
{
	snprintf(bs->name, sizeof(bs->name), "%s", name);
	bioset_name_pools(bs);
}

struct bio_set *bioset_create(unsigned int pool_size, unsigned int front_pad)
{
	unsigned int size =
		front_pad + sizeof(struct bio) + BIO_INLINE_VECS * sizeof(struct bio_vec);
	char slab_name[32];
	struct bio_set *bs;

	if (!pool_size)
		return NULL;
	bs = kzalloc(sizeof(*bs), GFP_KERNEL);
	if (!bs)
		return NULL;
	bs->front_pad = front_pad;
	snprintf(bs->name, sizeof(bs->name), "%u",
		 __atomic_fetch_add(&bioset_seq, 1, __ATOMIC_RELAXED)); /* any CPU */
	snprintf(slab_name, sizeof(slab_name), "bio-%s", bs->name);
	bs->bio_slab = kmem_cache_create(slab_name, size, 0, SLAB_HWCACHE_ALIGN, NULL);
	if (!bs->bio_slab)
		goto free_set;
	bs->bio_pool = mempool_create_slab_pool(pool_size, bs->bio_slab);
	if (!bs->bio_pool)
		goto destroy_slab;
	bs->bvec_pool = mempool_create_slab_pool(pool_size, bvec_slabs[BIOVEC_MAX_IDX].slab);
	if (!bs->bvec_pool)
		goto destroy_bio_pool;
	bioset_name_pools(bs);
	return bs;

destroy_bio_pool:
	mempool_destroy(bs->bio_pool);
destroy_slab:
	kmem_cache_destroy(bs->bio_slab);
free_set:
	kfree(bs);
	return NULL;
}

void bioset_free(struct bio_set *bs)
{
	if (!bs)
		return;
	mempool_destroy(bs->bvec_pool);
	mempool_destroy(bs->bio_pool);
	kmem_cache_destroy(bs->bio_slab);
	kfree(bs);
}

/* The memory of a bio: a bio_pool element starts front_pad bytes before it. */
static void *bio_pool_element(struct bio *bio)
{
	return (char *)bio - bio->bi_pool->front_pad;
}

/*
 * Make @bio, fresh from its allocator, what bio_alloc_bioset promises: zero but for one
 * reference, BIO_UPTODATE, the pool index (top bits of bi_flags), its vecs and its set.
 * The fields before bi_max_vecs are cleared with a memset of known size, which the
 * compiler turns into a few wide stores; the rest are each stored once.  (A whole-struct
 * initializer, or bio_init's memset then the fields, became a `rep stos` of 13 words and
 * the fields again: 22 instructions instead of 12.)
 */
static inline void bio_init_from(struct bio *bio, unsigned long idx, unsigned int max_vecs,
				 struct bio_vec *vecs, struct bio_set *bs)
{
	/* Past bi_max_vecs, only the four fields stored below: nothing is left uncleared. */
	BUILD_BUG_ON(offsetof(struct bio, bi_max_vecs) + 2 * sizeof(int) + 2 * sizeof(void *) !=
		     sizeof(struct bio));
	__builtin_memset(bio, 0, offsetof(struct bio, bi_max_vecs));
	bio->bi_flags = (1UL << BIO_UPTODATE) | (idx << BIO_POOL_OFFSET);
	bio->bi_max_vecs = max_vecs;
	bio->bi_cnt = 1;
	bio->bi_io_vec = vecs;
	bio->bi_pool = bs;
	this_cpu_inc(bios_allocated_less_freed);
}

/* A kmalloc'ed bio and its vecs: one allocation.  NULL if too many vecs or no memory. */
static struct bio *bio_kmalloc_raw(gfp_t gfp, int nr_iovecs)
{
	struct bio *bio;

	if (nr_iovecs < 0 || nr_iovecs > UIO_MAXIOV)
		return NULL;
	bio = kmalloc(sizeof(*bio) + (size_t)nr_iovecs * sizeof(struct bio_vec), gfp);
	if (bio) {
		bio_init_from(bio, BIO_POOL_NONE, nr_iovecs, bio->bi_inline_vecs, NULL);
		trace_bio(TE_BIO_ALLOC, bio, NULL, nr_iovecs);
	}
	return bio;
}

/* A bio of more than BIO_INLINE_VECS vecs: its array from a biovec slab, or NULL. */
static noinline struct bio *bio_alloc_big(struct bio *bio, void *p, gfp_t gfp, int nr_iovecs,
					  struct bio_set *bs)
{
	unsigned long idx;
	struct bio_vec *bvl = bvec_alloc(gfp, nr_iovecs, &idx, bs->bvec_pool);

	if (!bvl) {
		mempool_free(p, bs->bio_pool);
		return NULL;
	}
	bio_init_from(bio, idx, nr_iovecs, bvl, bs);
	return bio;
}

struct bio *bio_alloc_bioset(gfp_t gfp_mask, int nr_iovecs, struct bio_set *bs)
{
	struct bio *bio;
	void *p;

	if (unlikely(!bs))
		return bio_kmalloc_raw(gfp_mask, nr_iovecs);
	if (unlikely(nr_iovecs < 0 || nr_iovecs > BIO_MAX_PAGES))
		return NULL;
	p = mempool_alloc(bs->bio_pool, gfp_mask);
	if (unlikely(!p))
		return NULL;
	bio = (struct bio *)((char *)p + bs->front_pad);
	if (likely(nr_iovecs <= BIO_INLINE_VECS))
		bio_init_from(bio, BIO_POOL_NONE, nr_iovecs, bio->bi_inline_vecs, bs);
	else if (!(bio = bio_alloc_big(bio, p, gfp_mask, nr_iovecs, bs)))
		return NULL;
	trace_bio(TE_BIO_ALLOC, bio, NULL, nr_iovecs);
	return bio;
}

/* The last reference is gone: the vec array and the bio go back where they came from. */
static void bio_free(struct bio *bio)
{
	struct bio_set *bs = bio->bi_pool;

	this_cpu_dec(bios_allocated_less_freed);
	if (!bs) {
		kfree(bio);
		return;
	}
	if (BIO_POOL_IDX(bio) != BIO_POOL_NONE)
		bvec_free(bs->bvec_pool, bio->bi_io_vec, BIO_POOL_IDX(bio));
	mempool_free(bio_pool_element(bio), bs->bio_pool);
}

void bio_get(struct bio *bio)
{
	BUG_ON(__atomic_load_n(&bio->bi_cnt, __ATOMIC_RELAXED) <= 0);
	__atomic_add_fetch(&bio->bi_cnt, 1, __ATOMIC_RELAXED);
}

void bio_put(struct bio *bio)
{
	BUG_ON(__atomic_load_n(&bio->bi_cnt, __ATOMIC_RELAXED) <= 0);
	if (__atomic_sub_fetch(&bio->bi_cnt, 1, __ATOMIC_ACQ_REL) == 0)
		bio_free(bio);
}

void bio_set_init(void)
{
	unsigned int tries;

	for (unsigned int i = 0; i < BIOVEC_NR_POOLS; i++)
		bvec_slabs[i].slab =
			kmem_cache_create(bvec_slabs[i].name,
					  bvec_slabs[i].nr_vecs * sizeof(struct bio_vec), 0,
					  SLAB_HWCACHE_ALIGN | SLAB_PANIC, NULL);
	for (tries = 0; !fs_bio_set && tries < BOOT_ESSENTIAL_TRIES; tries++)
		fs_bio_set = bioset_create(BIO_POOL_SIZE, 0);
	boot_essential_retried("block: fs_bio_set", -ENOMEM, tries, fs_bio_set != NULL);
	if (!fs_bio_set)
		panic("block: cannot create fs_bio_set");
	bioset_set_name(fs_bio_set, "fs");
}
