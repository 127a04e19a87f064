// How long the event loop is busy in one go, measured on every turn of the loop with no timer of
// its own: a prepare handle runs just before the loop waits for I/O, a check handle just after. A
// turn's busy time is the time from the last check to this prepare (timers, immediates, close and
// pending callbacks) plus the time between prepare and check that was not spent waiting (the I/O
// callbacks; libuv's own idle-time counter, which Node keeps for eventLoopUtilization, says how
// long the wait was). A timer-based histogram (perf_hooks.monitorEventLoopDelay) wakes the loop
// 100 times a second to see the same stalls: on a LiveKit agent that cost 13 ms of CPU a second.
//
// The figures are weighted by time, as a timer's samples are: a busy turn counts for as long as it
// lasted, at its length (what an event arriving during it waits, at worst), and the time spent
// waiting counts at 0. So the p99 is the turn length the loop was in for 1% of the time: one 25 ms
// stall in a second gives a p99 of 25 ms however many short turns ran around it.
//
// Up to 16 windows are kept side by side (a resource sampler has two: its samples' and its gauges'
// collections), each opened, read (and restarted) and closed on its own; the handles run while one
// is open. Lengths fall in log-linear buckets, 16 per power of two, so a percentile is within 1/16
// of the truth; the maximum is exact.
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define SUB_BITS 4
#define SUB_BUCKETS (1 << SUB_BITS)
#define MAX_EXPONENT 44 /* 2^44 ns: about 4.9 hours */
#define BUCKETS ((MAX_EXPONENT - SUB_BITS + 1) * SUB_BUCKETS + SUB_BUCKETS)
#define WINDOWS 16

typedef struct {
  int open;
  uint64_t weights[BUCKETS]; /* ns spent in turns of each bucket's length (idle time in bucket 0) */
  uint64_t total_weight;
  uint64_t count; /* turns */
  uint64_t max;
} window_t;

typedef struct {
  uv_loop_t* loop;
  uv_prepare_t prepare;
  uv_check_t check;
  int running;
  int open_windows;
  int open_handles;
  int freed_by_env; /* the env is gone: the last handle's close frees the state */
  uint64_t last_check;
  uint64_t prepare_at;
  uint64_t idle_at_prepare;
  window_t windows[WINDOWS];
} meter_t;

static int bucket_of(uint64_t ns) {
  if (ns < SUB_BUCKETS) return (int)ns;
  int exponent = 63 - __builtin_clzll(ns);
  if (exponent > MAX_EXPONENT) return BUCKETS - 1;
  int sub = (int)((ns >> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1));
  return (exponent - SUB_BITS + 1) * SUB_BUCKETS + sub;
}

/** The middle of a bucket's range, ns. */
static double bucket_value(int bucket) {
  if (bucket < SUB_BUCKETS) return bucket;
  int exponent = bucket / SUB_BUCKETS + SUB_BITS - 1;
  int sub = bucket % SUB_BUCKETS;
  double low = (double)(SUB_BUCKETS + sub) * (double)(1ULL << (exponent - SUB_BITS));
  return low + (double)(1ULL << (exponent - SUB_BITS)) / 2;
}

static void record(meter_t* m, uint64_t busy, uint64_t idle) {
  int bucket = bucket_of(busy);
  for (int w = 0; w < WINDOWS; w++) {
    window_t* window = &m->windows[w];
    if (!window->open) continue;
    window->weights[bucket] += busy;
    window->weights[0] += idle;
    window->total_weight += busy + idle;
    window->count++;
    if (busy > window->max) window->max = busy;
  }
}

static void on_prepare(uv_prepare_t* handle) {
  meter_t* m = (meter_t*)handle->data;
  m->prepare_at = uv_hrtime();
  m->idle_at_prepare = uv_metrics_idle_time(m->loop);
}

static void on_check(uv_check_t* handle) {
  meter_t* m = (meter_t*)handle->data;
  uint64_t now = uv_hrtime();
  uint64_t idle = uv_metrics_idle_time(m->loop) - m->idle_at_prepare;
  uint64_t polled = now - m->prepare_at;
  uint64_t busy = (m->prepare_at > m->last_check ? m->prepare_at - m->last_check : 0) + (polled > idle ? polled - idle : 0);
  m->last_check = now;
  record(m, busy, polled > idle ? idle : polled);
}

static void on_close(uv_handle_t* handle) {
  meter_t* m = (meter_t*)handle->data;
  if (--m->open_handles == 0 && m->freed_by_env) free(m);
}

static void stop_meter(meter_t* m) {
  if (!m->running) return;
  m->running = 0;
  uv_prepare_stop(&m->prepare);
  uv_check_stop(&m->check);
}

/** The env (the main thread at exit, a worker as it ends) is torn down: close the handles. */
static void cleanup(void* data) {
  meter_t* m = (meter_t*)data;
  stop_meter(m);
  m->freed_by_env = 1;
  uv_close((uv_handle_t*)&m->prepare, on_close);
  uv_close((uv_handle_t*)&m->check, on_close);
}

static meter_t* meter_of(napi_env env) {
  meter_t* m = NULL;
  napi_get_instance_data(env, (void**)&m);
  return m;
}

static void start_meter(meter_t* m) {
  if (m->running) return;
  m->running = 1;
  m->last_check = uv_hrtime();
  m->prepare_at = m->last_check;
  m->idle_at_prepare = uv_metrics_idle_time(m->loop);
  uv_prepare_start(&m->prepare, on_prepare);
  uv_check_start(&m->check, on_check);
}

/** The window argument, or -1 (a RangeError thrown) when it is not an open window. */
static int window_arg(napi_env env, napi_callback_info info, meter_t* m) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t index = -1;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &index) != napi_ok || index < 0 || index >= WINDOWS ||
      !m->windows[index].open) {
    napi_throw_range_error(env, NULL, "not an open window");
    return -1;
  }
  return index;
}

/** open(): a new window's number (the meter runs while one is open); throws when 16 are open. */
static napi_value open_window(napi_env env, napi_callback_info info) {
  meter_t* m = meter_of(env);
  for (int w = 0; w < WINDOWS; w++) {
    if (m->windows[w].open) continue;
    memset(&m->windows[w], 0, sizeof(window_t));
    m->windows[w].open = 1;
    if (m->open_windows++ == 0) start_meter(m);
    napi_value index;
    napi_create_int32(env, w, &index);
    return index;
  }
  napi_throw_range_error(env, NULL, "all windows are open");
  return NULL;
}

/** close(window): the meter stops with the last open window. */
static napi_value close_window(napi_env env, napi_callback_info info) {
  meter_t* m = meter_of(env);
  int index = window_arg(env, info, m);
  if (index < 0) return NULL;
  m->windows[index].open = 0;
  if (--m->open_windows == 0) stop_meter(m);
  return NULL;
}

static void set_number(napi_env env, napi_value object, const char* name, double value) {
  napi_value number;
  napi_create_double(env, value, &number);
  napi_set_named_property(env, object, name, number);
}

/** The turn length (ns) the loop was in for all but (100 - p)% of the window's time, p in (0, 100]. */
static double percentile(const window_t* w, double p) {
  double rank = (p / 100.0) * (double)w->total_weight;
  double seen = 0;
  for (int b = 0; b < BUCKETS; b++) {
    seen += (double)w->weights[b];
    if (w->weights[b] > 0 && seen >= rank) {
      double value = b == 0 ? 0 : bucket_value(b);
      return value > (double)w->max ? (double)w->max : value;
    }
  }
  return (double)w->max;
}

/** read(window): { count, p50Ns, p99Ns, maxNs } of the loop's turns since the window's last read; restarts it. */
static napi_value read_window(napi_env env, napi_callback_info info) {
  meter_t* m = meter_of(env);
  int index = window_arg(env, info, m);
  if (index < 0) return NULL;
  window_t* w = &m->windows[index];
  napi_value result;
  napi_create_object(env, &result);
  set_number(env, result, "count", (double)w->count);
  set_number(env, result, "p50Ns", w->total_weight ? percentile(w, 50) : 0);
  set_number(env, result, "p99Ns", w->total_weight ? percentile(w, 99) : 0);
  set_number(env, result, "maxNs", (double)w->max);
  memset(w->weights, 0, sizeof(w->weights));
  w->total_weight = 0;
  w->count = 0;
  w->max = 0;
  return result;
}

static void free_meter(napi_env env, void* data, void* hint) {
  /* Freed by the handles' close (cleanup), which the env runs before this. */
}

NAPI_MODULE_INIT() {
  meter_t* m = calloc(1, sizeof(meter_t));
  if (m == NULL) return NULL;
  napi_get_uv_event_loop(env, &m->loop);
  uv_prepare_init(m->loop, &m->prepare);
  uv_check_init(m->loop, &m->check);
  m->prepare.data = m;
  m->check.data = m;
  m->open_handles = 2;
  // Never what keeps the process alive.
  uv_unref((uv_handle_t*)&m->prepare);
  uv_unref((uv_handle_t*)&m->check);
  napi_set_instance_data(env, m, free_meter, NULL);
  napi_add_env_cleanup_hook(env, cleanup, m);

  napi_property_descriptor properties[] = {
    {"open", NULL, open_window, NULL, NULL, NULL, napi_default, NULL},
    {"read", NULL, read_window, NULL, NULL, NULL, napi_default, NULL},
    {"close", NULL, close_window, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  return exports;
}
