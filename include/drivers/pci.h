/*
 * SPDX-License-Identifier: MIT
 * drivers/pci.h - the PCI bus: devices, their registers, their drivers.
 *
 * Every PCI function has 256 bytes of configuration space that says what it
 * is and where its registers are (PCI Local Bus Specification 3.0, 6.1).
 * The type 0 header, for ordinary devices:
 *
 *   0x00 +-----------+-----------+     0x10 +-----------------------+
 *        | device id | vendor id |          | BAR 0                 |  base address registers:
 *   0x04 +-----------+-----------+     0x14 | BAR 1                 |  where the device's I/O
 *        |  status   |  command  |     0x18 | BAR 2                 |  ports or memory are;
 *   0x08 +-----+-----+-----+-----+     0x1c | BAR 3                 |  a 64-bit memory BAR
 *        |class|sub  |prog | rev |     0x20 | BAR 4                 |  takes two slots
 *   0x0c +-----+-----+-----+-----+     0x24 | BAR 5                 |
 *        |BIST |hdr  |lat  |cache|     0x28 +-----------------------+
 *        +-----+-----+-----+-----+          | CardBus CIS           |
 *                 hdr bit 7: more     0x2c +-----------+-----------+
 *                 functions follow         | subsys id | subsys ven|
 *                                     0x30 +-----------+-----------+
 *   0x3c +-----+-----+-----+-----+          | expansion ROM         |
 *        |maxl |ming | pin |line |     0x34 +-----------------+-----+
 *        +-----+-----+-----+-----+          |                 | cap |--> first capability
 *                                           +-----------------+-----+
 *
 * A BAR's low bits say what it is:
 *
 *   I/O:    [31 ........ 2 | 0 | 1]      memory: [31 ..... 4 | P | type | 0]
 *            port address       I/O                address     |   00: 32-bit
 *                                                  prefetchable   10: 64-bit,
 *                                                                 next BAR = high half
 *
 * and its size is found by writing all-ones and reading back which address
 * bits stuck at zero (6.2.5.1): the lowest settable bit is the size.
 *
 * Capabilities are a linked list in config space, each entry [id, next, ...]
 * (6.7); drivers look them up with pci_find_capability().  The list comes
 * from the device, so it is checked once, at enumeration (pci_scan_capabilities).
 *
 * Drivers bind by a table of ids, as in Linux:
 *
 *   static const struct pci_device_id foo_ids[] = {
 *           { PCI_DEVICE(0x1af4, 0x1041) },
 *           {}
 *   };
 *   static struct pci_driver foo_driver = {
 *           .name = "foo", .id_table = foo_ids, .probe = foo_probe, .remove = foo_remove,
 *   };
 *   pci_register_driver(&foo_driver);     // probes every matching device
 *
 * and a probe routine does: pci_enable_device(), pci_set_master() if the
 * device does DMA, pci_iomap() its BARs, pci_alloc_irq_vectors() +
 * pci_request_irq() (MSI-X where it can, else INTx).  docs/virtio.md draws
 * all of it for the virtio devices.
 *
 * Context: everything here is for thread context (boot included) unless a
 * function says otherwise.  Registration and probing may run from threads
 * on several CPUs at once: a mutex of pci_driver.c makes them take turns,
 * and probe/remove callbacks run one at a time under it (so a probe must
 * not register or unregister a PCI driver).  Config space accesses and
 * MSI-X updates lock themselves and may come from any CPU.
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <drivers/deferred_probe.h>
#include <kernel/compiler.h>
#include <kernel/irq.h>
#include <kernel/list.h>
#include <kernel/types.h>

/* ---- configuration space registers (PCI 3.0, 6.1; Linux's pci_regs.h names) ---- */

#define PCI_VENDOR_ID		       0x00 /* 16 bits; 0xffff: no function here */
#define PCI_DEVICE_ID		       0x02
#define PCI_COMMAND		       0x04
#define PCI_COMMAND_IO		       0x0001 /* decode I/O BARs */
#define PCI_COMMAND_MEMORY	       0x0002 /* decode memory BARs */
#define PCI_COMMAND_MASTER	       0x0004 /* may start DMA */
#define PCI_COMMAND_INTX_DISABLE       0x0400 /* do not assert INTx */
#define PCI_STATUS		       0x06
#define PCI_STATUS_INTERRUPT	       0x0008 /* INTx asserted (PCI 2.3+) */
#define PCI_STATUS_CAP_LIST	       0x0010 /* PCI_CAPABILITY_LIST is valid */
#define PCI_REVISION_ID		       0x08
#define PCI_CLASS_PROG		       0x09
#define PCI_CLASS_DEVICE	       0x0a /* 16 bits: base class << 8 | subclass */
#define PCI_HEADER_TYPE		       0x0e
#define PCI_HEADER_TYPE_MASK	       0x7f
#define PCI_HEADER_TYPE_NORMAL	       0
#define PCI_HEADER_TYPE_BRIDGE	       1
#define PCI_HEADER_TYPE_CARDBUS	       2
#define PCI_HEADER_TYPE_MFD	       0x80 /* function 0 only: functions 1-7 may exist */
#define PCI_BASE_ADDRESS_0	       0x10
#define PCI_BASE_ADDRESS_SPACE_IO      0x01
#define PCI_BASE_ADDRESS_MEM_TYPE_MASK 0x06
#define PCI_BASE_ADDRESS_MEM_TYPE_64   0x04
#define PCI_BASE_ADDRESS_MEM_PREFETCH  0x08
#define PCI_BASE_ADDRESS_MEM_MASK      (~0x0fU)
#define PCI_BASE_ADDRESS_IO_MASK       (~0x03U)
#define PCI_SUBSYSTEM_VENDOR_ID	       0x2c
#define PCI_SUBSYSTEM_ID	       0x2e
#define PCI_CAPABILITY_LIST	       0x34 /* type 0 and type 1 headers */
#define PCI_INTERRUPT_LINE	       0x3c /* the line firmware routed INTx to; 0xff: none */
#define PCI_INTERRUPT_PIN	       0x3d /* 1-4 = INTA-INTD, 0: no INTx */

/* Type 1 header (PCI-to-PCI Bridge Architecture Specification 1.2, 3.2). */
#define PCI_PRIMARY_BUS	    0x18
#define PCI_SECONDARY_BUS   0x19 /* the bus behind the bridge */
#define PCI_SUBORDINATE_BUS 0x1a /* the highest bus number behind it */

#define PCI_STD_NUM_BARS      6	  /* type 0; a bridge has 2 */
#define PCI_STD_HEADER_SIZEOF 64  /* capabilities live above */
#define PCI_CFG_SPACE_SIZE    256 /* what configuration mechanism #1 reaches */

/* Capability ids (PCI 3.0 appendix H) and the common entry header. */
#define PCI_CAP_ID_PM	  0x01
#define PCI_CAP_ID_MSI	  0x05
#define PCI_CAP_ID_VNDR	  0x09 /* vendor specific: virtio's structures */
#define PCI_CAP_ID_EXP	  0x10 /* PCI Express */
#define PCI_CAP_ID_MSIX	  0x11
#define PCI_CAP_LIST_ID	  0
#define PCI_CAP_LIST_NEXT 1

/* MSI-X capability (PCI 3.0, 6.8.2): registers at the capability's offset. */
#define PCI_MSIX_FLAGS		    2	   /* 16 bits, message control */
#define PCI_MSIX_FLAGS_QSIZE	    0x07ff /* table size - 1 */
#define PCI_MSIX_FLAGS_MASKALL	    0x4000 /* function mask */
#define PCI_MSIX_FLAGS_ENABLE	    0x8000
#define PCI_MSIX_TABLE		    4 /* 32 bits: offset in the BAR | BIR */
#define PCI_MSIX_TABLE_BIR	    0x7
#define PCI_MSIX_TABLE_OFFSET	    (~0x7U)
#define PCI_MSIX_PBA		    8 /* pending bits: offset | BIR */
#define PCI_MSIX_ENTRY_CTRL_MASKBIT 0x1

/* One entry of the MSI-X table in device memory (PCI 3.0, 6.8.2.6-9). */
struct pci_msix_table_entry {
	u32 msg_addr_lo; /* where the device writes: 0xFEExxxxx on x86 */
	u32 msg_addr_hi;
	u32 msg_data;	 /* what it writes: the vector */
	u32 vector_ctrl; /* bit 0: masked */
};
_Static_assert(sizeof(struct pci_msix_table_entry) == 16, "PCI 3.0 6.8.2: 16-byte MSI-X entries");
_Static_assert(offsetof(struct pci_msix_table_entry, msg_data) == 8, "PCI 3.0 6.8.2.8");
_Static_assert(offsetof(struct pci_msix_table_entry, vector_ctrl) == 12, "PCI 3.0 6.8.2.9");

/* The type 0 header as a structure: for the layout checks and the fake devices of the tests. */
struct pci_config_header {
	u16 vendor_id, device_id;
	u16 command, status;
	u8 revision, prog_if, subclass, class_code;
	u8 cache_line_size, latency_timer, header_type, bist;
	u32 bar[PCI_STD_NUM_BARS];
	u32 cardbus_cis;
	u16 subsystem_vendor_id, subsystem_id;
	u32 rom_address;
	u8 capabilities, reserved[7];
	u8 interrupt_line, interrupt_pin, min_gnt, max_lat;
};
_Static_assert(sizeof(struct pci_config_header) == PCI_STD_HEADER_SIZEOF, "PCI 3.0 6.1");
_Static_assert(offsetof(struct pci_config_header, status) == PCI_STATUS, "PCI 3.0 6.1");
_Static_assert(offsetof(struct pci_config_header, class_code) == PCI_CLASS_DEVICE + 1, "6.1");
_Static_assert(offsetof(struct pci_config_header, header_type) == PCI_HEADER_TYPE, "PCI 3.0 6.1");
_Static_assert(offsetof(struct pci_config_header, bar) == PCI_BASE_ADDRESS_0, "PCI 3.0 6.1");
_Static_assert(offsetof(struct pci_config_header, subsystem_id) == PCI_SUBSYSTEM_ID, "PCI 3.0 6.1");
_Static_assert(offsetof(struct pci_config_header, capabilities) == PCI_CAPABILITY_LIST, "6.1");
_Static_assert(offsetof(struct pci_config_header, interrupt_pin) == PCI_INTERRUPT_PIN, "6.1");

/* clang-format 14 reads "(x) & y" or "(x) - y" in a macro as a cast: left as written. */
/* clang-format off */
#define PCI_DEVFN(slot, func)	((((slot) & 0x1f) << 3) | ((func) & 0x07))
#define PCI_SLOT(devfn)		(((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)		((devfn) & 0x07)
/* clang-format on */

/* ---- devices ---- */

/* What kind of window a BAR is (Linux's IORESOURCE_* values). */
#define IORESOURCE_IO	    0x00000100
#define IORESOURCE_MEM	    0x00000200
#define IORESOURCE_PREFETCH 0x00002000
#define IORESOURCE_MEM_64   0x00100000

struct pci_bar {
	u64 start;	     /* bus (= physical) address or port; 0 with len 0: no BAR */
	u64 len;	     /* size found by the all-ones probe */
	unsigned long flags; /* IORESOURCE_* */
	void *map;	     /* pci_iomap()'s cookie, kept: mappings are permanent */
	u64 map_len;
};

/* How config space is reached: mechanism #1 for real buses, an array in memory for tests. */
struct pci_config_ops {
	/* Read @size (1, 2, 4) bytes at @where of bus/devfn; 0 or -errno. */
	int (*read)(const struct pci_config_ops *ops, unsigned int bus, unsigned int devfn,
		    int where, int size, u32 *val);
	int (*write)(const struct pci_config_ops *ops, unsigned int bus, unsigned int devfn,
		     int where, int size, u32 val);
};

#define PCI_CAP_MAX 48 /* (256 - 64) / 4 dword-aligned places for a capability */

struct pci_irq_state; /* drivers/pci/pci_irq.c's */
struct pci_driver;

struct pci_dev {
	struct list_head bus_list; /* on the device list, in scan order */
	const struct pci_config_ops *ops;
	char name[16]; /* "0000:00:03.0" (domain:bus:slot.function) */
	u8 busnr;      /* bus number */
	u8 devfn;      /* PCI_DEVFN(slot, function) */
	u16 vendor, device;
	u16 subsystem_vendor, subsystem_device;
	u32 class; /* base class << 16 | subclass << 8 | prog-if */
	u8 revision;
	u8 hdr_type;		   /* PCI_HEADER_TYPE_NORMAL or _BRIDGE (MFD bit cleared) */
	u8 pin;			   /* INTx pin: 1-4 = A-D, 0: none */
	unsigned int irq;	   /* INTx line (irq number), 0: none */
	u8 secondary, subordinate; /* bridges: the buses behind */
	struct pci_bar bar[PCI_STD_NUM_BARS];

	/* The capability list as checked at enumeration; lookups use this copy. */
	u8 nr_caps;
	struct {
		u8 id, pos;
	} caps[PCI_CAP_MAX];
	bool cap_list_broken; /* the walk stopped early: see pci_scan_capabilities */

	u8 msix_cap;		    /* offset of the MSI-X capability, 0: none */
	bool no_msi;		    /* never use MSI-X for this device (tests, quirks) */
	bool msix_enabled;	    /* MSI-X is the interrupt mode right now */
	struct pci_irq_state *irqs; /* pci_alloc_irq_vectors()'s, NULL before */

	struct pci_driver *driver;	/* bound driver, NULL if none */
	void *driver_data;		/* pci_set_drvdata() */
	struct deferred_probe deferred; /* a probe that ran out of memory at boot: retried */
};

/* ---- drivers ---- */

#define PCI_ANY_ID (~0U)

/* One line of a driver's table; a field of PCI_ANY_ID matches anything (Linux's layout). */
struct pci_device_id {
	u32 vendor, device;
	u32 subvendor, subdevice;
	u32 class, class_mask;	   /* matches if (dev->class & class_mask) == class */
	unsigned long driver_data; /* the driver's own, handed to probe */
};

#define PCI_DEVICE(vend, dev) \
	.vendor = (vend), .device = (dev), .subvendor = PCI_ANY_ID, .subdevice = PCI_ANY_ID
#define PCI_DEVICE_CLASS(cls, msk)                                           \
	.vendor = PCI_ANY_ID, .device = PCI_ANY_ID, .subvendor = PCI_ANY_ID, \
	.subdevice = PCI_ANY_ID, .class = (cls), .class_mask = (msk)

struct pci_driver {
	const char *name;
	const struct pci_device_id *id_table; /* ends with an all-zero entry */
	/* Take the device: 0, or -errno to leave it unbound.  Context: thread, may sleep. */
	int (*probe)(struct pci_dev *dev, const struct pci_device_id *id);
	/* Let go of it: quiesce the device, free everything probe took.  Context: thread. */
	void (*remove)(struct pci_dev *dev);
	struct list_head node; /* on the driver list (the core's) */
};

/*
 * pci_register_driver - add @drv and probe it on every unbound device its
 * id_table matches.  Returns 0 (a failed probe leaves that device unbound
 * and is reported, it does not fail the registration), -EINVAL for a
 * driver without a probe or a table, -EBUSY if already registered.
 */
int pci_register_driver(struct pci_driver *drv);

/* pci_unregister_driver - remove() every device bound to @drv, then forget @drv. */
void pci_unregister_driver(struct pci_driver *drv);

/* The first entry of @ids that matches @dev, or NULL. */
const struct pci_device_id *pci_match_id(const struct pci_device_id *ids,
					 const struct pci_dev *dev);

static inline void pci_set_drvdata(struct pci_dev *dev, void *data)
{
	dev->driver_data = data;
}

static inline void *pci_get_drvdata(const struct pci_dev *dev)
{
	return dev->driver_data;
}

/*
 * pci_get_device - iterate over devices: the one after @from (NULL: the
 * first) whose vendor and device match (PCI_ANY_ID: any), or NULL.
 * Devices are never freed, so no reference counting.
 */
struct pci_dev *pci_get_device(unsigned int vendor, unsigned int device, struct pci_dev *from);

/* The device at bus/devfn, or NULL. */
struct pci_dev *pci_get_slot(unsigned int bus, unsigned int devfn);

/* "0000:00:03.0": the device's name in messages. */
static inline const char *pci_name(const struct pci_dev *dev)
{
	return dev->name;
}

/* ---- config space access (Linux's names; 0 or -errno) ---- */

int pci_read_config_byte(const struct pci_dev *dev, int where, u8 *val);
int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val);
int pci_read_config_dword(const struct pci_dev *dev, int where, u32 *val);
int pci_write_config_byte(const struct pci_dev *dev, int where, u8 val);
int pci_write_config_word(const struct pci_dev *dev, int where, u16 val);
int pci_write_config_dword(const struct pci_dev *dev, int where, u32 val);

/*
 * pci_find_capability - offset in config space of @dev's first capability
 * with id @cap, or 0.  pci_find_next_capability - the next one after the
 * capability at @pos.  Both search the list checked at enumeration, so a
 * device whose list loops cannot make a caller loop.
 */
u8 pci_find_capability(const struct pci_dev *dev, int cap);
u8 pci_find_next_capability(const struct pci_dev *dev, u8 pos, int cap);

/*
 * pci_scan_capabilities - walk @dev's capability list from config space
 * into dev->caps, checking it as the input from outside it is (PCI 3.0,
 * 6.7): a pointer's two low bits are reserved and masked off as the spec
 * says; a pointer into the standard header (< 0x40) or to a place already
 * visited (a loop) ends the walk.  Returns the number of capabilities, or
 * -EINVAL if the walk ended on a bad pointer (the good ones before it are
 * kept, dev->cap_list_broken is set, and it is reported).
 */
int pci_scan_capabilities(struct pci_dev *dev);

/* ---- BARs and their registers ---- */

#define pci_resource_start(dev, b) ((dev)->bar[b].start)
#define pci_resource_len(dev, b)   ((dev)->bar[b].len)
#define pci_resource_end(dev, b)   ((dev)->bar[b].start + (dev)->bar[b].len - 1)
#define pci_resource_flags(dev, b) ((dev)->bar[b].flags)

/*
 * pci_enable_device - turn on I/O and memory decoding for the BARs the
 * device has.  pci_disable_device - turn off bus mastering.
 */
int pci_enable_device(struct pci_dev *dev);
void pci_disable_device(struct pci_dev *dev);
/* Let the device assert INTx (@enable != 0) or not (command register bit 10). */
void pci_intx(struct pci_dev *dev, int enable);
/* Allow / forbid the device to start DMA (command register bit 2). */
void pci_set_master(struct pci_dev *dev);
void pci_clear_master(struct pci_dev *dev);

/*
 * pci_iomap - a cookie for the first @maxlen bytes (0: all) of BAR @bar,
 * to use with ioread*()/iowrite*() whether the BAR is I/O ports or memory.
 * Memory BARs are ioremap()ed uncached, once per BAR, and stay mapped
 * (so pci_iounmap does nothing).  pci_iomap_range maps from @offset.
 * Returns NULL for a BAR that does not exist or cannot be mapped.
 */
void *pci_iomap(struct pci_dev *dev, int bar, unsigned long maxlen);
void *pci_iomap_range(struct pci_dev *dev, int bar, unsigned long offset, unsigned long maxlen);
void pci_iounmap(struct pci_dev *dev, void *addr);

/*
 * The register accessors.  An iomap cookie below PCI_IOMAP_PIO_END is an
 * I/O port (+ PCI_IOMAP_PIO_BASE), anything else a mapped address, as in
 * Linux's lib/iomap.c.  Device registers are little-endian, as x86.
 * The accessors are volatile and ordered with each other by the compiler,
 * but not with plain memory accesses: put a barrier() between filling a
 * buffer and the register write that tells the device about it.
 */
#define PCI_IOMAP_PIO_BASE 0x10000UL
#define PCI_IOMAP_PIO_END  0x20000UL

static inline bool pci_iomap_is_pio(const void *addr)
{
	unsigned long a = (unsigned long)addr;

	return a >= PCI_IOMAP_PIO_BASE && a < PCI_IOMAP_PIO_END;
}

u8 ioread8(const void *addr);
u16 ioread16(const void *addr);
u32 ioread32(const void *addr);
void iowrite8(u8 val, void *addr);
void iowrite16(u16 val, void *addr);
void iowrite32(u32 val, void *addr);

/* ---- interrupts (drivers/pci/pci_irq.c) ---- */

#define PCI_IRQ_INTX	  (1U << 0)    /* the INTx pin, through the IO-APIC */
#define PCI_IRQ_LEGACY	  PCI_IRQ_INTX /* the older Linux name */
#define PCI_IRQ_MSIX	  (1U << 2)
#define PCI_IRQ_ALL_TYPES (PCI_IRQ_INTX | PCI_IRQ_MSIX)

/*
 * pci_alloc_irq_vectors - set up between @min_vecs and @max_vecs interrupt
 * vectors for @dev: MSI-X if @flags allows it and the device, the command
 * line (pci=nomsi) and dev->no_msi do, else INTx (one vector) if @flags
 * allows it.  MSI-X entries start masked; pci_request_irq unmasks one.
 * Returns the number of vectors, -ENOSPC if fewer than @min_vecs are
 * possible, -EINVAL (bad arguments, or called twice), -ENOMEM.
 */
int pci_alloc_irq_vectors(struct pci_dev *dev, unsigned int min_vecs, unsigned int max_vecs,
			  unsigned int flags);

/* pci_free_irq_vectors - undo pci_alloc_irq_vectors (every vector must be pci_free_irq()ed). */
void pci_free_irq_vectors(struct pci_dev *dev);

/* The irq number of vector @nr (MSI-X line, or dev->irq for INTx), or -EINVAL. */
int pci_irq_vector(struct pci_dev *dev, unsigned int nr);

/*
 * pci_request_irq - call @handler(irq, @dev_id) when vector @nr fires.
 * An INTx line may be shared by several devices: every handler on it is
 * called and must return IRQ_NONE if its device did not interrupt.
 * @thread_fn must be NULL (no threaded interrupts here).  @fmt names the
 * vector in the monitor's `interrupts`.  Returns 0 or -errno.
 */
__printf(6, 7) int pci_request_irq(struct pci_dev *dev, unsigned int nr, irq_handler_t handler,
				   irq_handler_t thread_fn, void *dev_id, const char *fmt, ...);

/* pci_free_irq - undo pci_request_irq (the MSI-X entry is masked again). */
void pci_free_irq(struct pci_dev *dev, unsigned int nr, void *dev_id);

/* Linux's: non-zero unless MSI-X is off everywhere (pci=nomsi, or no local APIC: noapic). */
int pci_msi_enabled(void);

/* The MSI-X table size of @dev from its capability (0: none, or unusable). */
unsigned int pci_msix_vec_count(struct pci_dev *dev);

/* ---- the bus ---- */

/*
 * pci_scan_bus - enumerate every function reachable from bus @busnr through
 * @ops (configuration mechanism #1 for the real machine, an array in the
 * tests), following PCI-to-PCI bridges to their secondary buses, sizing
 * every BAR and checking every capability list; append a struct pci_dev
 * for each to @list.  A bridge whose secondary bus is not above its own
 * bus, or was already scanned, is reported and not followed (a loop).
 * A function whose struct pci_dev cannot be allocated, even after a few
 * tries, is reported and left out; the scan goes on.  Returns the number
 * of functions found.  Context: thread.
 */
int pci_scan_bus(const struct pci_config_ops *ops, unsigned int busnr, struct list_head *list);

/* Free the devices pci_scan_bus put on @list (the tests' fake buses; none may be bound). */
void pci_free_devices(struct list_head *list);

/* Configuration mechanism #1: ports 0xCF8 (address) and 0xCFC (data). */
extern const struct pci_config_ops pci_conf1_ops;

/* Every device of the machine, in scan order (read-only outside drivers/pci/pci.c). */
extern struct list_head pci_devices;

/*
 * The buses are enumerated into pci_devices by pci_init, a subsys_initcall
 * (drivers/pci/pci.c); the drivers register later, each with its own
 * device_initcall (include/kernel/init.h), and bind to what was found.
 */

#endif
