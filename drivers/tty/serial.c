/*
 * SPDX-License-Identifier: MIT
 * drivers/tty/serial.c - 16550 UART driver for COM1 (I/O ports 0x3f8-0x3ff).
 *
 * QEMU: `-serial stdio` (or `-serial file:log`) connects COM1 to the host.
 * Register layout from the PC16550D datasheet:
 *
 *   +0 RBR/THR (DLL when LCR.DLAB)   +3 LCR  line control
 *   +1 IER     (DLM when LCR.DLAB)   +4 MCR  modem control (OUT2 gates the IRQ)
 *   +2 IIR/FCR                       +5 LSR  line status
 *
 * Locking, for many CPUs:
 *
 *   port_lock  the UART's registers (3.10's uart_port.lock): a transmit is
 *              "wait for THRE, write THR", and a read of LSR clears its
 *              error bits, so CPU 2 printing and CPU 0's interrupt handler
 *              reading must take turns.  serial_console_write holds it for
 *              a whole string, so a line from one CPU reaches the wire
 *              unbroken by another's (printk's logbuf_lock orders whole
 *              messages; this keeps other writers out of the middle).  An
 *              arch lock, unseen by lockdep, as logbuf_lock: lockdep prints
 *              through here.  In an oops it is waited for only so long.
 *   rx.lock    the input ring and the set-aside buffer; taken with
 *              interrupts off, before port_lock where both are held.
 */
#include <drivers/serial.h>
#include <kernel/irq.h>
#include <kernel/panic.h>
#include <kernel/percpu.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/wait.h>
#include <arch/x86.h>
#include <errno.h>

#define COM1	 0x3f8
#define COM1_IRQ 4

#define UART_RBR 0
#define UART_THR 0
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5

#define IER_RDI	    0x01 /* interrupt when data is received */
#define LCR_8N1	    0x03
#define LCR_DLAB    0x80
#define MCR_DTR_RTS 0x03
#define MCR_OUT2    0x08 /* routes the UART interrupt to the PIC/IO-APIC */
#define LSR_DR	    0x01 /* data ready */
#define LSR_OE	    0x02
#define LSR_PE	    0x04
#define LSR_FE	    0x08
#define LSR_BI	    0x10
#define LSR_THRE    0x20 /* transmit holding register empty */

#define RX_RING_SIZE 1024 /* a power of two */
#define CTRL_C	     0x03

struct serial_stats serial_stats; /* tx_bytes under port_lock, the rest under rx.lock */

/* 3.10's port->lock is a spinlock_t; we an arch lock lockdep cannot see: docs/linux-3.10.md */
static struct print_lock port_lock = PRINT_LOCK_INIT; /* kernel/spinlock.h: print_lock */
/* LSR error bits a transmit read (reading LSR clears them), for serial_irq; port_lock. */
static u8 lsr_saved_flags;

#define LSR_SAVE_FLAGS (LSR_OE | LSR_PE | LSR_FE | LSR_BI)

/* Input side: a ring filled by the interrupt handler, drained by threads. */
static struct {
	char buf[RX_RING_SIZE];
	unsigned int head;		/* next write (IRQ side) */
	unsigned int tail;		/* next read (thread side) */
	struct wait_queue_head wait;	/* threads sleeping in serial_getc() */
	spinlock_t lock;		/* head/tail; taken with interrupts off */
	struct task_struct *foreground; /* gets Ctrl-C as SIGINT; NULL: 0x03 is input */
} rx = {
	.wait = __WAIT_QUEUE_HEAD_INITIALIZER(rx.wait),
	.lock = __SPIN_LOCK_UNLOCKED(rx.lock),
};

/*
 * Input set aside while a test owns the ring (serial_rx_set_aside): what was
 * queued then, followed by what arrives meanwhile.  Under rx.lock.
 */
static struct {
	char buf[RX_RING_SIZE];
	unsigned int len;
	bool on;
} aside;

static bool rx_push(char c);

void serial_init(void)
{
	outb(COM1 + UART_IER, 0); /* no interrupts yet */
	/*
	 * Input may already be waiting (piped in before we ran), a byte at a
	 * time: the receiver holds one until it is read.  Turning the FIFOs on
	 * would clear the receiver, and another byte can come in between any
	 * read of it and that clearing (a piped script lost its second byte),
	 * so the FIFOs stay off (16450 mode): each byte waits in the receiver
	 * until the interrupt handler reads it, and none is lost.
	 */
	/* 3.10 turns a 16550A's FIFOs on; we leave them off: docs/linux-3.10.md */
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DLL, 1); /* divisor 1: 115200 baud */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_MCR, MCR_DTR_RTS);
}

/* One byte out, polled.  port_lock held. */
static void __serial_putc(char c)
{
	u8 lsr;

	/* 3.10's wait_for_xmitr keeps the error bits too: they are the receiver's news. */
	while (!((lsr = inb(COM1 + UART_LSR)) & LSR_THRE)) {
		lsr_saved_flags |= lsr & LSR_SAVE_FLAGS;
		cpu_relax();
	}
	lsr_saved_flags |= lsr & LSR_SAVE_FLAGS;
	outb(COM1 + UART_THR, (u8)c);
	serial_stats.tx_bytes++;
}

void serial_putc(char c)
{
	unsigned long flags;
	bool locked = print_lock_irqsave(&port_lock, &flags);

	__serial_putc(c);
	print_unlock_irqrestore(&port_lock, locked, flags);
}

void serial_console_write(const char *s, size_t len)
{
	unsigned long flags;
	bool locked = print_lock_irqsave(&port_lock, &flags);

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			__serial_putc('\r');
		__serial_putc(s[i]);
	}
	print_unlock_irqrestore(&port_lock, locked, flags);
}

/* Caller holds rx.lock.  Returns false (and counts a drop) when the ring is full. */
static bool rx_push(char c)
{
	if (rx.head - rx.tail >= RX_RING_SIZE) {
		serial_stats.rx_dropped++;
		return false;
	}
	rx.buf[rx.head++ % RX_RING_SIZE] = c;
	serial_stats.rx_bytes++;
	return true;
}

/* Caller holds rx.lock.  A received byte while the input is set aside. */
static void aside_push(char c)
{
	if (aside.len >= sizeof(aside.buf)) {
		serial_stats.rx_dropped++;
		return;
	}
	aside.buf[aside.len++] = c;
	serial_stats.rx_bytes++;
}

/*
 * Received bytes into the ring.  A Ctrl-C while a thread is in the
 * foreground is a tty's ISIG instead: SIGINT to that thread, and the "^C"
 * echoed at once, on a line of its own (printk ends a line left open), as
 * a terminal shows it at the keypress.
 */
static irqreturn_t serial_irq(int irq, void *dev)
{
	unsigned long flags;
	unsigned int interrupts = 0;
	bool got = false;
	u8 lsr;

	spin_lock_irqsave(&rx.lock, flags);
	for (;;) {
		unsigned long pflags;
		bool plocked = print_lock_irqsave(&port_lock, &pflags);
		char c = 0;

		lsr = inb(COM1 + UART_LSR) | lsr_saved_flags;
		lsr_saved_flags = 0;
		if (lsr & LSR_DR)
			c = (char)inb(COM1 + UART_RBR);
		print_unlock_irqrestore(&port_lock, plocked, pflags);
		if (!(lsr & LSR_DR))
			break;

		if (lsr & LSR_OE)
			serial_stats.rx_overruns++;
		if (lsr & (LSR_PE | LSR_FE | LSR_BI)) {
			serial_stats.rx_errors++; /* a damaged byte: drop it */
			continue;
		}
		if (c == CTRL_C && rx.foreground) { /* a tty's ISIG: a signal, not input */
			send_sig(SIGINT, rx.foreground, 1);
			interrupts++;
			continue;
		}
		if (aside.on)
			aside_push(c);
		else
			got |= rx_push(c);
	}
	spin_unlock_irqrestore(&rx.lock, flags);
	/* 3.10's tty echoes ^C to the terminal only; we log it too: docs/linux-3.10.md */
	while (interrupts--)
		printk_echo("^C\n");
	if (got)
		wake_up(&rx.wait);
	return IRQ_HANDLED;
}

void serial_set_foreground(struct task_struct *t)
{
	unsigned long flags;

	spin_lock_irqsave(&rx.lock, flags);
	rx.foreground = t;
	spin_unlock_irqrestore(&rx.lock, flags);
}

int serial_enable_rx(void)
{
	int err = request_irq(COM1_IRQ, serial_irq, 0, "serial", &rx);

	if (err)
		return err;
	outb(COM1 + UART_MCR, MCR_DTR_RTS | MCR_OUT2);
	outb(COM1 + UART_IER, IER_RDI);
	return 0;
}

int serial_trygetc(void)
{
	unsigned long flags;
	int c = -1;

	spin_lock_irqsave(&rx.lock, flags);
	if (rx.tail != rx.head)
		c = (unsigned char)rx.buf[rx.tail++ % RX_RING_SIZE];
	spin_unlock_irqrestore(&rx.lock, flags);
	return c;
}

int serial_getc(void)
{
	int c;

	wait_event(rx.wait, (c = serial_trygetc()) >= 0);
	return c;
}

size_t serial_inject_input(const char *s, size_t len)
{
	unsigned long flags;
	size_t n = 0;

	spin_lock_irqsave(&rx.lock, flags);
	while (n < len && rx_push(s[n]))
		n++;
	spin_unlock_irqrestore(&rx.lock, flags);
	wake_up(&rx.wait);
	return n;
}

int serial_rx_set_aside(void)
{
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&rx.lock, flags);
	if (aside.on) {
		err = -EBUSY;
	} else {
		aside.len = 0;
		while (rx.tail != rx.head)
			aside.buf[aside.len++] = rx.buf[rx.tail++ % RX_RING_SIZE];
		aside.on = true;
	}
	spin_unlock_irqrestore(&rx.lock, flags);
	return err;
}

void serial_rx_put_back(void)
{
	unsigned long flags;
	bool any;

	spin_lock_irqsave(&rx.lock, flags);
	rx.tail = rx.head; /* what the test injected and left unread */
	for (unsigned int i = 0; i < aside.len; i++)
		rx.buf[rx.head++ % RX_RING_SIZE] = aside.buf[i];
	any = aside.len > 0;
	aside.len = 0;
	aside.on = false;
	spin_unlock_irqrestore(&rx.lock, flags);
	if (any)
		wake_up(&rx.wait);
}
