/*
 * SPDX-License-Identifier: MIT
 * tests/host/test_owner_table.c - mm/owner_table.c on the host, under
 * AddressSanitizer and UBSan: random inserts and removals checked against
 * a reference model after every step, in tables small enough that probe
 * runs wrap around the end.
 *
 * The table is a heap block of exactly its size, so a probe one slot past
 * the end is an ASan report.
 */
#include "owner_table.h" /* private to mm/: -iquote mm (Makefile) */
#include <stdlib.h>
#include <string.h>

#include "htest.h"

#define MAX_KEYS 64

/* The model: the keys in the table and their pids, unordered. */
static struct {
	void *key[MAX_KEYS];
	int pid[MAX_KEYS];
	int n;
} model;

static uint64_t rng = 88172645463325252ULL;

static uint64_t next_rand(void)
{
	return htest_rand(&rng);
}

/* Pointers as a pool would hand out: aligned, clustered, sometimes neighbours. */
static void *random_key(void)
{
	return (void *)(uintptr_t)(0xffff800000100000ULL + (next_rand() % 512) * 64);
}

static int model_index(const void *key)
{
	for (int i = 0; i < model.n; i++)
		if (model.key[i] == key)
			return i;
	return -1;
}

/* Every model key is found with its pid; no other slot is occupied; no hole inside a run. */
static bool table_matches_model(const struct mempool_owner *tab, unsigned int slots)
{
	int used = 0;

	for (int i = 0; i < model.n; i++) {
		int s = owner_table_find(tab, slots, model.key[i]);

		if (s < 0 || tab[s].pid != model.pid[i])
			return false;
	}
	for (unsigned int s = 0; s < slots; s++) {
		if (!tab[s].elem)
			continue;
		used++;
		/* The probe run from the entry's home to its slot has no empty slot. */
		for (unsigned int j = owner_table_home(tab[s].elem, slots); j != s;
		     j = (j + 1) & (slots - 1))
			if (!tab[j].elem)
				return false;
	}
	return used == model.n;
}

/* Random insert/remove in a table of @slots, load kept at most 1/2, checked at each step. */
static void random_run(unsigned int slots, int steps)
{
	struct mempool_owner *tab = calloc(slots, sizeof(*tab));
	bool ok = true;

	model.n = 0;
	for (int step = 0; step < steps && ok; step++) {
		void *key = random_key();
		int m = model_index(key);

		if (m >= 0) {
			int s = owner_table_find(tab, slots, key);

			CHECK(s >= 0);
			owner_table_remove(tab, slots, (unsigned int)s);
			model.key[m] = model.key[--model.n];
			model.pid[m] = model.pid[model.n];
		} else if ((unsigned int)(model.n + 1) * 2 <= slots) {
			int pid = (int)(next_rand() % 100) - 1;

			owner_table_insert(tab, slots, (struct mempool_owner){ key, pid });
			model.key[model.n] = key;
			model.pid[model.n++] = pid;
		} else {
			CHECK(owner_table_find(tab, slots, key) == -1);
		}
		ok = table_matches_model(tab, slots);
	}
	CHECK(ok);
	free(tab);
}

HTEST(empty_table_finds_nothing)
{
	struct mempool_owner *tab = calloc(16, sizeof(*tab));

	CHECK(owner_table_find(tab, 16, (void *)0x1000) == -1);
	free(tab);
}

HTEST(insert_then_find_then_remove)
{
	struct mempool_owner *tab = calloc(16, sizeof(*tab));
	int s;

	owner_table_insert(tab, 16, (struct mempool_owner){ (void *)0x1000, 7 });
	s = owner_table_find(tab, 16, (void *)0x1000);
	CHECK(s >= 0 && tab[s].pid == 7);
	owner_table_remove(tab, 16, (unsigned int)s);
	CHECK(owner_table_find(tab, 16, (void *)0x1000) == -1);
	free(tab);
}

HTEST(home_is_inside_the_table)
{
	for (unsigned int slots = 2; slots <= 1u << 20; slots <<= 1)
		for (int i = 0; i < 1000; i++)
			CHECK(owner_table_home(random_key(), slots) < slots);
}

HTEST(random_runs_in_a_tiny_table)
{
	for (int run = 0; run < 200; run++)
		random_run(4, 200);
}

HTEST(random_runs_in_small_tables)
{
	for (int run = 0; run < 200; run++)
		random_run(16, 500);
	for (int run = 0; run < 50; run++)
		random_run(64, 2000);
}

HTEST(copy_into_a_bigger_table_keeps_every_entry)
{
	struct mempool_owner *small = calloc(16, sizeof(*small)), *big = calloc(32, sizeof(*big));

	model.n = 0;
	while (model.n < 8) {
		void *key = random_key();

		if (model_index(key) >= 0)
			continue;
		owner_table_insert(small, 16, (struct mempool_owner){ key, model.n });
		model.key[model.n] = key;
		model.pid[model.n] = model.n;
		model.n++;
	}
	owner_table_copy(big, 32, small, 16);
	CHECK(table_matches_model(big, 32));
	free(small);
	free(big);
}

static const struct htest tests[] = {
	HTEST_ENTRY(empty_table_finds_nothing),
	HTEST_ENTRY(insert_then_find_then_remove),
	HTEST_ENTRY(home_is_inside_the_table),
	HTEST_ENTRY(random_runs_in_a_tiny_table),
	HTEST_ENTRY(random_runs_in_small_tables),
	HTEST_ENTRY(copy_into_a_bigger_table_keeps_every_entry),
};

int main(void)
{
	return htest_main("test_owner_table", tests, HTEST_COUNT(tests));
}
