/*
 * SPDX-License-Identifier: MIT
 * tests/block/test_bio.c - bios on their own: allocation from bio sets and
 * kmalloc, references, bio_add_page within each queue limit, iteration,
 * bio_advance, bio_endio, clones (include/block/bio.h).
 *
 *   -append "test=bio"
 *
 * Each case frees what it allocates; the harness checks pages and slab
 * objects are back at their baseline after each one.
 */
#include <kernel/ktest.h>
#include <kernel/preempt.h>
#include <mm/slab.h>
#include <mm/slub_def.h> /* which cache an array came from */
#include <string.h>

#include "blk_test.h"

/* ---- allocation ---- */

TEST_CASE(bio_test_alloc_gives_one_reference_and_inline_vecs)
{
	struct bio *bio = bio_alloc(GFP_KERNEL, BIO_INLINE_VECS);

	ASSERT_NOT_NULL(t, bio);
	EXPECT_EQ(t, bio->bi_cnt, 1);
	EXPECT_EQ(t, bio->bi_max_vecs, BIO_INLINE_VECS);
	EXPECT_TRUE(t, bio->bi_io_vec == bio->bi_inline_vecs);
	EXPECT_TRUE(t, bio->bi_pool == fs_bio_set);
	EXPECT_EQ(t, BIO_POOL_IDX(bio), BIO_POOL_NONE);
	EXPECT_TRUE(t, bio_flagged(bio, BIO_UPTODATE));
	EXPECT_EQ(t, bio->bi_vcnt, 0);
	EXPECT_EQ(t, bio->bi_size, 0);
	EXPECT_NULL(t, bio->bi_next);
	EXPECT_NULL(t, bio->bi_end_io);
	EXPECT_EQ(t, bio_data_dir(bio), READ);
	bio_put(bio);
}

/* The name of the slab cache @obj was allocated from ("" if not a slab object). */
static const char *slab_of(const void *obj)
{
	struct page *head = slab_virt_to_head_page(obj);

	return head && PageSlab(head) ? head->slab_cache->name : "";
}

/*
 * A bio of @nr vecs from fs_bio_set takes its array from biovec slab @idx,
 * named @slab; every vec of it is writable (slub_debug's red zones would
 * catch an overrun), and bio_put gives the array back.
 */
static void expect_bio_vecs_from(struct ktest *t, int nr, unsigned long idx, const char *slab)
{
	struct bio *bio = bio_alloc(GFP_KERNEL, nr);

	ASSERT_NOT_NULL(t, bio);
	EXPECT_EQ(t, bio->bi_max_vecs, nr);
	EXPECT_TRUE(t, bio->bi_io_vec != bio->bi_inline_vecs);
	EXPECT_EQ(t, BIO_POOL_IDX(bio), idx);
	EXPECT_STREQ(t, slab_of(bio->bi_io_vec), slab);
	memset(bio->bi_io_vec, 0, nr * sizeof(struct bio_vec));
	bio_put(bio);
}

TEST_CASE(bio_test_alloc_of_many_vecs_takes_a_biovec_array)
{
	expect_bio_vecs_from(t, BIO_INLINE_VECS + 1, 2, "biovec-16");
	expect_bio_vecs_from(t, 16, 2, "biovec-16");
	EXPECT_NULL(t, bio_alloc(GFP_KERNEL, BIO_MAX_PAGES + 1));
}

TEST_CASE(bio_test_17_to_64_vecs_come_from_biovec_64)
{
	expect_bio_vecs_from(t, 17, 3, "biovec-64");
	expect_bio_vecs_from(t, 64, 3, "biovec-64");
}

TEST_CASE(bio_test_65_to_128_vecs_come_from_biovec_128)
{
	expect_bio_vecs_from(t, 65, 4, "biovec-128");
	expect_bio_vecs_from(t, 100, 4, "biovec-128");
	expect_bio_vecs_from(t, 128, 4, "biovec-128");
}

TEST_CASE(bio_test_129_to_256_vecs_come_from_biovec_256_through_the_mempool)
{
	int reserve = fs_bio_set->bvec_pool->curr_nr;
	struct bio *bio = bio_alloc(GFP_KERNEL, 129);

	ASSERT_NOT_NULL(t, bio);
	EXPECT_EQ(t, BIO_POOL_IDX(bio), BIOVEC_MAX_IDX);
	EXPECT_EQ(t, BIOVEC_MAX_IDX, 5);
	EXPECT_STREQ(t, slab_of(bio->bi_io_vec), "biovec-256");
	/* the largest arrays come through the set's mempool, which tries its slab first */
	EXPECT_EQ(t, fs_bio_set->bvec_pool->curr_nr, reserve);
	bio_put(bio);
	expect_bio_vecs_from(t, BIO_MAX_PAGES, 5, "biovec-256");
}

TEST_CASE(bvec_test_slabs_have_linux_3_10s_six_sizes)
{
	static const unsigned int sizes[BIOVEC_NR_POOLS] = { 1, 4, 16, 64, 128, 256 };

	EXPECT_EQ(t, BIOVEC_NR_POOLS, 6);
	for (unsigned short i = 0; i < BIOVEC_NR_POOLS; i++)
		EXPECT_EQ(t, bvec_nr_vecs(i), sizes[i]);
	EXPECT_EQ(t, bvec_nr_vecs(BIOVEC_MAX_IDX), BIO_MAX_PAGES);
}

/* bvec_alloc(@nr) gives slab @idx, named @slab; bvec_free gives it back. */
static void expect_bvec_from(struct ktest *t, int nr, unsigned long want, const char *slab)
{
	unsigned long before = slab_live_objects(), idx = BIO_POOL_NONE;
	struct bio_vec *bv = bvec_alloc(GFP_KERNEL, nr, &idx, fs_bio_set->bvec_pool);

	ASSERT_NOT_NULL(t, bv);
	EXPECT_EQ(t, idx, want);
	EXPECT_STREQ(t, slab_of(bv), slab);
	EXPECT_EQ(t, slab_live_objects(), before + 1);
	memset(bv, 0, nr * sizeof(*bv));
	bvec_free(fs_bio_set->bvec_pool, bv, idx);
	EXPECT_EQ(t, slab_live_objects(), before);
}

TEST_CASE(bvec_test_alloc_of_1_vec_comes_from_biovec_1)
{
	expect_bvec_from(t, 1, 0, "biovec-1");
}

TEST_CASE(bvec_test_alloc_of_2_to_4_vecs_comes_from_biovec_4)
{
	expect_bvec_from(t, 2, 1, "biovec-4");
	expect_bvec_from(t, 4, 1, "biovec-4");
	expect_bvec_from(t, 5, 2, "biovec-16");
}

TEST_CASE(bvec_test_alloc_refuses_0_and_more_than_256_vecs)
{
	unsigned long idx = BIO_POOL_NONE;

	EXPECT_NULL(t, bvec_alloc(GFP_KERNEL, 0, &idx, fs_bio_set->bvec_pool));
	EXPECT_NULL(t, bvec_alloc(GFP_KERNEL, -1, &idx, fs_bio_set->bvec_pool));
	EXPECT_NULL(t, bvec_alloc(GFP_KERNEL, BIO_MAX_PAGES + 1, &idx, fs_bio_set->bvec_pool));
	EXPECT_EQ(t, idx, BIO_POOL_NONE); /* untouched */
}

TEST_CASE(bio_test_kmalloc_bio_has_no_pool)
{
	unsigned long before = slab_live_objects();
	struct bio *bio = bio_kmalloc(GFP_KERNEL, 300);

	ASSERT_NOT_NULL(t, bio);
	EXPECT_NULL(t, bio->bi_pool);
	EXPECT_EQ(t, bio->bi_max_vecs, 300);
	EXPECT_TRUE(t, bio->bi_io_vec == bio->bi_inline_vecs);
	EXPECT_EQ(t, bio->bi_cnt, 1);
	EXPECT_EQ(t, slab_live_objects(), before + 1); /* one allocation for the bio and its vecs */
	memset(bio->bi_io_vec, 0, 300 * sizeof(struct bio_vec));
	bio_put(bio);
	EXPECT_EQ(t, slab_live_objects(), before);
	EXPECT_NULL(t, bio_kmalloc(GFP_KERNEL, UIO_MAXIOV + 1));
}

TEST_CASE(bio_test_kmalloc_fails_under_failslab_and_leaves_the_pools_alone)
{
	int reserve = fs_bio_set->bio_pool->curr_nr;
	struct bio *bio;

	blk_test_fail_all(false);
	bio = bio_kmalloc(GFP_KERNEL, 1); /* no pool behind it: it fails, even sleeping */
	blk_test_fail_none();
	EXPECT_NULL(t, bio);
	EXPECT_EQ(t, fs_bio_set->bio_pool->curr_nr, reserve);
}

TEST_CASE(bio_test_get_and_put_count_references)
{
	unsigned long before = slab_live_objects();
	struct bio *bio = bio_alloc(GFP_KERNEL, 1);

	ASSERT_NOT_NULL(t, bio);
	bio_get(bio);
	EXPECT_EQ(t, bio->bi_cnt, 2);
	bio_put(bio);
	EXPECT_EQ(t, bio->bi_cnt, 1);
	EXPECT_GT(t, slab_live_objects(), before); /* still there */
	bio_put(bio);
	EXPECT_EQ(t, slab_live_objects(), before);
}

/* memcheck's `bios`: every bio from a set or kmalloc, until its last put; failures not. */
TEST_CASE(bio_test_bios_in_use_counts_every_bio_until_its_last_put)
{
	unsigned long before = bios_in_use();
	struct bio_set *bs = bioset_create(2, 16);
	struct bio *b[4];

	ASSERT_NOT_NULL(t, bs);
	b[0] = bio_alloc(GFP_KERNEL, 1);
	b[1] = bio_alloc(GFP_KERNEL, 100); /* with a biovec array */
	b[2] = bio_kmalloc(GFP_KERNEL, 3);
	b[3] = bio_alloc_bioset(GFP_KERNEL, 1, bs);
	for (int i = 0; i < 4; i++)
		ASSERT_NOT_NULL(t, b[i]);
	EXPECT_EQ(t, bios_in_use(), before + 4);
	EXPECT_NULL(t, bio_alloc(GFP_KERNEL, BIO_MAX_PAGES + 1));
	blk_test_fail_all(false);
	EXPECT_NULL(t, bio_kmalloc(GFP_KERNEL, 1));
	blk_test_fail_none();
	EXPECT_EQ(t, bios_in_use(), before + 4); /* what was refused is not counted */
	bio_get(b[0]);
	bio_put(b[0]);
	EXPECT_EQ(t, bios_in_use(), before + 4); /* a reference left: still in use */
	for (int i = 0; i < 4; i++)
		bio_put(b[i]);
	EXPECT_EQ(t, bios_in_use(), before);
	bioset_free(bs);
}

TEST_CASE(bio_test_bioset_reserve_serves_when_the_slab_fails)
{
	struct bio_set *bs = bioset_create(2, 0);
	struct bio *a, *b, *c;

	ASSERT_NOT_NULL(t, bs);
	EXPECT_EQ(t, bs->bio_pool->curr_nr, 2);
	blk_test_fail_all(false);
	a = bio_alloc_bioset(GFP_NOWAIT, 1, bs);
	b = bio_alloc_bioset(GFP_NOWAIT, 1, bs);
	c = bio_alloc_bioset(GFP_NOWAIT, 1, bs); /* reserve empty, no sleeping: NULL */
	blk_test_fail_none();
	EXPECT_NOT_NULL(t, a);
	EXPECT_NOT_NULL(t, b);
	EXPECT_NULL(t, c);
	EXPECT_EQ(t, bs->bio_pool->curr_nr, 0);
	if (a)
		bio_put(a);
	if (b)
		bio_put(b);
	EXPECT_EQ(t, bs->bio_pool->curr_nr, 2); /* puts refill the reserve first */
	bioset_free(bs);
}

TEST_CASE(bio_test_bvec_reserve_serves_large_bios_when_the_slab_fails)
{
	struct bio_set *bs = bioset_create(2, 0);
	struct bio *big, *none;

	ASSERT_NOT_NULL(t, bs);
	blk_test_fail_all(false);
	/* biovec-64 fails; it may sleep, so a 256-vec array from the reserve serves */
	big = bio_alloc_bioset(GFP_NOIO, 20, bs);
	/* without sleeping there is no fallback: NULL, and the bio itself goes back */
	none = bio_alloc_bioset(GFP_NOWAIT, 20, bs);
	blk_test_fail_none();
	ASSERT_NOT_NULL(t, big);
	EXPECT_NULL(t, none);
	EXPECT_EQ(t, BIO_POOL_IDX(big), BIOVEC_MAX_IDX);
	EXPECT_STREQ(t, slab_of(big->bi_io_vec), "biovec-256");
	EXPECT_EQ(t, bs->bvec_pool->curr_nr, 1);
	EXPECT_EQ(t, bs->bio_pool->curr_nr, 1); /* `none`'s bio was given back */
	bio_put(big);
	EXPECT_EQ(t, bs->bvec_pool->curr_nr, 2);
	bioset_free(bs);
}

TEST_CASE(bio_test_bioset_pools_are_named_for_reports)
{
	struct bio_set *bs = bioset_create(1, 0);

	ASSERT_NOT_NULL(t, bs);
	EXPECT_TRUE(t, !strncmp(bs->bio_pool->name, "bio-", 4));
	bioset_set_name(bs, "mine");
	EXPECT_STREQ(t, bs->bio_pool->name, "bio-mine");
	EXPECT_STREQ(t, bs->bvec_pool->name, "biovec-mine");
	EXPECT_STREQ(t, fs_bio_set->bio_pool->name, "bio-fs");
	bioset_free(bs);
}

/* A user of front_pad: its own struct around each bio. */
struct padded_io {
	char tag[64];
	struct bio bio; /* last: the inline vecs follow */
};

TEST_CASE(bio_test_bioset_front_pad_gives_room_before_each_bio)
{
	struct bio_set *bs = bioset_create(2, offsetof(struct padded_io, bio));
	struct padded_io *io;
	struct bio *bio;

	ASSERT_NOT_NULL(t, bs);
	bio = bio_alloc_bioset(GFP_KERNEL, BIO_INLINE_VECS, bs);
	ASSERT_NOT_NULL(t, bio);
	io = container_of(bio, struct padded_io, bio);
	memset(io->tag, 0x5a, sizeof(io->tag)); /* slub_debug catches a write outside the object */
	memset(bio->bi_inline_vecs, 0, BIO_INLINE_VECS * sizeof(struct bio_vec));
	EXPECT_EQ(t, bio->bi_cnt, 1);
	bio_put(bio);
	bioset_free(bs);
}

/* ---- bio_add_page and the queue limits ---- */

/* A bio of @nr vecs for @rd's queue. */
static struct bio *bio_for(struct ktest *t, struct ramdisk *rd, int nr)
{
	struct bio *bio = bio_alloc(GFP_KERNEL, nr);

	ASSERT_NOT_NULL(t, bio);
	bio->bi_bdev = &rd->disk->bdev;
	return bio;
}

TEST_CASE(bio_test_add_page_appends_pieces_and_merges_contiguous_ones)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ 0 });
	struct page *p0 = blk_test_page(t, BLK_TEST_HIGH), *p1 = blk_test_page(t, BLK_TEST_HIGH);
	struct bio *bio = bio_for(t, rd, 4);

	EXPECT_EQ(t, bio_add_page(bio, p0, 512, 0), 512);
	EXPECT_EQ(t, bio_add_page(bio, p0, 512, 512), 512); /* continues it: merged */
	EXPECT_EQ(t, bio->bi_vcnt, 1);
	EXPECT_EQ(t, bio->bi_io_vec[0].bv_len, 1024);
	EXPECT_EQ(t, bio_add_page(bio, p0, 512, 2048), 512); /* a gap: a new vec */
	EXPECT_EQ(t, bio_add_page(bio, p1, PAGE_SIZE, 0), PAGE_SIZE);
	EXPECT_EQ(t, bio->bi_vcnt, 3);
	EXPECT_EQ(t, bio->bi_size, 1024 + 512 + PAGE_SIZE);
	EXPECT_TRUE(t, bio->bi_io_vec[2].bv_page == p1);
	EXPECT_EQ(t, bio->bi_io_vec[1].bv_offset, 2048);
	bio_put(bio);
	__free_page(p0);
	__free_page(p1);
	ramdisk_destroy(rd);
}

TEST_CASE(bio_test_add_page_refuses_pieces_outside_their_page)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ 0 });
	struct page *p = blk_test_page(t, BLK_TEST_HIGH);
	struct bio *bio = bio_for(t, rd, 4);

	EXPECT_EQ(t, bio_add_page(bio, p, 1024, PAGE_SIZE - 512), 0);
	EXPECT_EQ(t, bio_add_page(bio, p, 0, 0), 0);
	EXPECT_EQ(t, bio_add_page(bio, p, 512, PAGE_SIZE), 0);
	EXPECT_EQ(t, bio->bi_vcnt, 0);
	EXPECT_EQ(t, bio->bi_size, 0);
	bio_put(bio);
	__free_page(p);
	ramdisk_destroy(rd);
}

TEST_CASE(bio_test_add_page_honours_max_sectors)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ .max_hw_sectors = 16 });
	struct page *p[3];
	struct bio *bio = bio_for(t, rd, 3);

	for (int i = 0; i < 3; i++)
		p[i] = blk_test_page(t, BLK_TEST_HIGH);
	EXPECT_EQ(t, bio_add_page(bio, p[0], PAGE_SIZE, 0), PAGE_SIZE);
	EXPECT_EQ(t, bio_add_page(bio, p[1], PAGE_SIZE, 0), PAGE_SIZE);
	EXPECT_EQ(t, bio_add_page(bio, p[2], PAGE_SIZE, 0), 0); /* 24 sectors > 16 */
	EXPECT_EQ(t, bio_add_page(bio, p[2], 512, 0), 0);	/* 17 > 16 */
	EXPECT_EQ(t, bio->bi_vcnt, 2);
	EXPECT_EQ(t, bio->bi_size, 2 * PAGE_SIZE);
	bio_put(bio);
	for (int i = 0; i < 3; i++)
		__free_page(p[i]);
	ramdisk_destroy(rd);
}

TEST_CASE(bio_test_add_page_honours_max_segments)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ .max_segments = 3 });
	struct page *p = blk_test_page(t, BLK_TEST_HIGH);
	struct bio *bio = bio_for(t, rd, 8);

	EXPECT_EQ(t, bio_add_page(bio, p, 512, 0), 512);
	EXPECT_EQ(t, bio_add_page(bio, p, 512, 1024), 512);
	EXPECT_EQ(t, bio_add_page(bio, p, 512, 2048), 512);
	EXPECT_EQ(t, bio_add_page(bio, p, 512, 3072), 0);   /* a 4th segment */
	EXPECT_EQ(t, bio_add_page(bio, p, 512, 2560), 512); /* extends the 3rd: no new segment */
	EXPECT_EQ(t, bio->bi_vcnt, 3);
	EXPECT_EQ(t, bio->bi_size, 2048);
	bio_put(bio);
	__free_page(p);
	ramdisk_destroy(rd);
}

TEST_CASE(bio_test_add_page_honours_max_segment_size)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ .max_segment_size = 1024 });
	struct page *p = blk_test_page(t, BLK_TEST_HIGH);
	struct bio *bio = bio_for(t, rd, 4);

	EXPECT_EQ(t, bio_add_page(bio, p, 2048, 0), 0); /* longer than a segment */
	EXPECT_EQ(t, bio_add_page(bio, p, 1024, 0), 1024);
	EXPECT_EQ(t, bio_add_page(bio, p, 512, 1024), 512); /* merging would make 1536: new vec */
	EXPECT_EQ(t, bio->bi_vcnt, 2);
	EXPECT_EQ(t, bio->bi_io_vec[0].bv_len, 1024);
	EXPECT_EQ(t, bio->bi_io_vec[1].bv_len, 512);
	bio_put(bio);
	__free_page(p);
	ramdisk_destroy(rd);
}

TEST_CASE(bio_test_add_page_honours_the_segment_boundary)
{
	struct ramdisk *rd =
		blk_test_disk(t, &(struct ramdisk_config){ .seg_boundary_mask = 0x7ff });
	struct page *p = blk_test_page(t, BLK_TEST_HIGH);
	struct bio *bio = bio_for(t, rd, 4);

	EXPECT_EQ(t, bio_add_page(bio, p, 1024, 1536), 0); /* crosses the 2 KiB line */
	EXPECT_EQ(t, bio_add_page(bio, p, 512, 1536), 512);
	EXPECT_EQ(t, bio_add_page(bio, p, 1024, 2048), 1024); /* merged it would cross: new vec */
	EXPECT_EQ(t, bio->bi_vcnt, 2);
	EXPECT_EQ(t, bio->bi_io_vec[1].bv_offset, 2048);
	bio_put(bio);
	__free_page(p);
	ramdisk_destroy(rd);
}

TEST_CASE(bio_test_add_page_refuses_a_full_bio_and_a_clone)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ 0 });
	struct page *p = blk_test_page(t, BLK_TEST_HIGH);
	struct bio *bio = bio_for(t, rd, 2), *clone;

	EXPECT_EQ(t, bio_add_page(bio, p, 512, 0), 512);
	EXPECT_EQ(t, bio_add_page(bio, p, 512, 1024), 512);
	EXPECT_EQ(t, bio_add_page(bio, p, 512, 2048), 0); /* bi_max_vecs is 2 */
	clone = bio_clone(bio, GFP_KERNEL);
	ASSERT_NOT_NULL(t, clone);
	EXPECT_EQ(t, bio_add_page(clone, p, 512, 1536), 0); /* it shares the original's pages */
	EXPECT_EQ(t, clone->bi_size, 1024);
	bio_put(clone);
	bio_put(bio);
	__free_page(p);
	ramdisk_destroy(rd);
}

/* ---- walking, advancing, ending ---- */

TEST_CASE(bio_test_for_each_segment_walks_from_bi_idx)
{
	struct bio *bio = bio_kmalloc(GFP_KERNEL, 3);
	struct bio_vec *bv;
	int i, seen = 0, seen_all = 0;

	ASSERT_NOT_NULL(t, bio);
	for (int k = 0; k < 3; k++)
		bio->bi_io_vec[k] = (struct bio_vec){ .bv_page = NULL, .bv_len = 512 * (k + 1) };
	bio->bi_vcnt = 3;
	bio->bi_idx = 1;
	bio_for_each_segment(bv, bio, i) {
		EXPECT_EQ(t, bv->bv_len, 512 * (i + 1));
		seen++;
	}
	bio_for_each_segment_all(bv, bio, i)
		seen_all++;
	EXPECT_EQ(t, seen, 2);
	EXPECT_EQ(t, seen_all, 3);
	EXPECT_EQ(t, bio_segments(bio), 2);
	bio_put(bio);
}

TEST_CASE(bio_test_advance_moves_through_the_vecs)
{
	struct bio *bio = bio_kmalloc(GFP_KERNEL, 2);

	ASSERT_NOT_NULL(t, bio);
	bio->bi_io_vec[0] = (struct bio_vec){ .bv_len = 1024, .bv_offset = 0 };
	bio->bi_io_vec[1] = (struct bio_vec){ .bv_len = 2048, .bv_offset = 512 };
	bio->bi_vcnt = 2;
	bio->bi_size = 3072;
	bio->bi_sector = 100;
	bio_advance(bio, 512); /* half of vec 0 */
	EXPECT_EQ(t, bio->bi_idx, 0);
	EXPECT_EQ(t, bio->bi_io_vec[0].bv_offset, 512);
	EXPECT_EQ(t, bio->bi_io_vec[0].bv_len, 512);
	EXPECT_EQ(t, bio->bi_sector, 101);
	EXPECT_EQ(t, bio->bi_size, 2560);
	bio_advance(bio, 1024); /* the rest of vec 0 and 512 of vec 1 */
	EXPECT_EQ(t, bio->bi_idx, 1);
	EXPECT_EQ(t, bio->bi_io_vec[1].bv_offset, 1024);
	EXPECT_EQ(t, bio_cur_bytes(bio), 1536);
	bio_advance(bio, 1536);
	EXPECT_EQ(t, bio->bi_idx, 2);
	EXPECT_EQ(t, bio->bi_size, 0);
	EXPECT_EQ(t, bio->bi_sector, 106);
	bio_put(bio);
}

TEST_CASE(bio_test_endio_passes_the_error_and_clears_uptodate)
{
	struct bio *bio = bio_alloc(GFP_KERNEL, 0);
	struct bio_result r;

	ASSERT_NOT_NULL(t, bio);
	bio_result_init(&r);
	bio->bi_end_io = bio_result_end_io;
	bio->bi_private = &r;
	bio_endio(bio, 0);
	EXPECT_EQ(t, r.last_error, 0);
	EXPECT_TRUE(t, bio_flagged(bio, BIO_UPTODATE));
	bio_endio(bio, -EROFS);
	EXPECT_EQ(t, r.last_error, -EROFS);
	EXPECT_FALSE(t, bio_flagged(bio, BIO_UPTODATE));
	bio_endio(bio, 0); /* not up to date: an error whatever the caller says */
	EXPECT_EQ(t, r.last_error, -EIO);
	EXPECT_EQ(t, r.calls, 3);
	bio_put(bio);
}

TEST_CASE(bio_test_clone_shares_the_pages_and_copies_the_io)
{
	struct ramdisk *rd = blk_test_disk(t, &(struct ramdisk_config){ 0 });
	struct page *p[2] = { blk_test_page(t, BLK_TEST_HIGH), blk_test_page(t, BLK_TEST_HIGH) };
	struct bio_result r;
	struct bio *bio, *clone, *kclone;

	bio_result_init(&r);
	bio = blk_test_bio(t, rd, WRITE, 40, p, 2, &r);
	bio->bi_idx = 1;
	clone = bio_clone(bio, GFP_KERNEL);
	kclone = bio_clone_kmalloc(bio, GFP_KERNEL);
	ASSERT_NOT_NULL(t, clone);
	ASSERT_NOT_NULL(t, kclone);
	EXPECT_TRUE(t, clone->bi_io_vec[0].bv_page == p[0] && clone->bi_io_vec[1].bv_page == p[1]);
	EXPECT_EQ(t, clone->bi_sector, 40);
	EXPECT_EQ(t, clone->bi_size, 2 * PAGE_SIZE);
	EXPECT_EQ(t, bio_data_dir(clone), WRITE);
	EXPECT_EQ(t, clone->bi_vcnt, 2);
	EXPECT_EQ(t, clone->bi_idx, 1);
	EXPECT_TRUE(t, clone->bi_bdev == bio->bi_bdev);
	EXPECT_TRUE(t, bio_flagged(clone, BIO_CLONED));
	EXPECT_NULL(t, clone->bi_end_io);
	EXPECT_TRUE(t, clone->bi_pool == fs_bio_set);
	EXPECT_NULL(t, kclone->bi_pool);
	clone->bi_io_vec[0].bv_len = 1; /* its own vecs: the original's are untouched */
	EXPECT_EQ(t, bio->bi_io_vec[0].bv_len, PAGE_SIZE);
	bio_put(kclone);
	bio_put(clone);
	bio_put(bio);
	EXPECT_EQ(t, r.calls, 0); /* putting is not ending */
	__free_page(p[0]);
	__free_page(p[1]);
	ramdisk_destroy(rd);
}

TEST_CASE(bio_test_clone_fails_cleanly_without_memory)
{
	struct bio *bio = bio_alloc(GFP_KERNEL, 1), *held[BIO_POOL_SIZE], *clone;
	int n = 0;

	ASSERT_NOT_NULL(t, bio);
	blk_test_fail_all(false);
	while (n < BIO_POOL_SIZE && (held[n] = bio_alloc(GFP_ATOMIC, 1)))
		n++; /* fs_bio_set's reserve, emptied */
	clone = bio_clone(bio, GFP_ATOMIC);
	blk_test_fail_none();
	EXPECT_NULL(t, clone);
	while (n--)
		bio_put(held[n]);
	bio_put(bio);
}

TEST_CASE(bio_test_chain_links_through_bi_next)
{
	struct bio *b[3], *bio;
	int i = 0;

	for (int k = 0; k < 3; k++) {
		b[k] = bio_alloc(GFP_KERNEL, 0);
		ASSERT_NOT_NULL(t, b[k]);
	}
	b[0]->bi_next = b[1];
	b[1]->bi_next = b[2];
	bio = b[0];
	for_each_bio(bio)
		EXPECT_TRUE(t, bio == b[i++]);
	EXPECT_EQ(t, i, 3);
	for (int k = 0; k < 3; k++)
		bio_put(b[k]);
}

static const struct ktest_case bio_cases[] = {
	KTEST(bio_test_alloc_gives_one_reference_and_inline_vecs),
	KTEST(bio_test_alloc_of_many_vecs_takes_a_biovec_array),
	KTEST(bio_test_17_to_64_vecs_come_from_biovec_64),
	KTEST(bio_test_65_to_128_vecs_come_from_biovec_128),
	KTEST(bio_test_129_to_256_vecs_come_from_biovec_256_through_the_mempool),
	KTEST(bvec_test_slabs_have_linux_3_10s_six_sizes),
	KTEST(bvec_test_alloc_of_1_vec_comes_from_biovec_1),
	KTEST(bvec_test_alloc_of_2_to_4_vecs_comes_from_biovec_4),
	KTEST(bvec_test_alloc_refuses_0_and_more_than_256_vecs),
	KTEST(bio_test_kmalloc_bio_has_no_pool),
	KTEST(bio_test_kmalloc_fails_under_failslab_and_leaves_the_pools_alone),
	KTEST(bio_test_get_and_put_count_references),
	KTEST(bio_test_bios_in_use_counts_every_bio_until_its_last_put),
	KTEST(bio_test_bioset_reserve_serves_when_the_slab_fails),
	KTEST(bio_test_bvec_reserve_serves_large_bios_when_the_slab_fails),
	KTEST(bio_test_bioset_pools_are_named_for_reports),
	KTEST(bio_test_bioset_front_pad_gives_room_before_each_bio),
	KTEST(bio_test_add_page_appends_pieces_and_merges_contiguous_ones),
	KTEST(bio_test_add_page_refuses_pieces_outside_their_page),
	KTEST(bio_test_add_page_honours_max_sectors),
	KTEST(bio_test_add_page_honours_max_segments),
	KTEST(bio_test_add_page_honours_max_segment_size),
	KTEST(bio_test_add_page_honours_the_segment_boundary),
	KTEST(bio_test_add_page_refuses_a_full_bio_and_a_clone),
	KTEST(bio_test_for_each_segment_walks_from_bi_idx),
	KTEST(bio_test_advance_moves_through_the_vecs),
	KTEST(bio_test_endio_passes_the_error_and_clears_uptodate),
	KTEST(bio_test_clone_shares_the_pages_and_copies_the_io),
	KTEST(bio_test_clone_fails_cleanly_without_memory),
	KTEST(bio_test_chain_links_through_bi_next),
	{}
};
TEST_SUITE(bio, bio_cases);
