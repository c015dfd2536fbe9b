/*
 * packhost pack ABI, version 1.1 (see PH_ABI_MAJOR_NUMBER below).
 *
 * This header is the whole binary contract between the packhost host and a
 * native pack (a shared library). It is plain C99 and includes nothing but
 * <stdint.h> and <stddef.h>; the C++ SDK (packhost/sdk.hpp) is a convenience
 * built on top of it and is not part of the contract.
 *
 * Rules that keep the contract stable (see README "ABI compatibility"):
 *  - A pack exports exactly one symbol, PH_ENTRY_SYMBOL_V1, with the
 *    signature ph_pack_entry_v1_fn. Everything else is reached through the
 *    structs below.
 *  - Every struct begins with `uint32_t struct_size`, set by whoever fills
 *    the struct to sizeof() of the struct *as that side compiled it*.
 *    Fields are only ever appended at the end, never reordered, resized or
 *    removed. A reader copies min(struct_size, its own sizeof) bytes into a
 *    zeroed local, so fields the writer did not know about read as 0/NULL.
 *  - The host accepts a pack whose ABI major equals its own and whose minor
 *    is lower or equal. A breaking change gets a new major and a new entry
 *    symbol (packhost_pack_entry_v2); a pack may export both during a
 *    transition.
 *  - Only fixed-width integers, UTF-8 text and function pointers cross the
 *    boundary. JSON crosses as text; each side parses it with its own
 *    parser. No C++ type, exception or allocation crosses: the host never
 *    frees pack memory and the pack never frees host memory. Anything a pack
 *    returns goes through a host-provided ph_writer_v1.
 *  - Lists of descriptors are arrays of pointers, so each element may grow
 *    independently.
 *
 * Text: every `const char*` is UTF-8. Fields documented as "NUL-terminated"
 * are C strings; payloads come with an explicit length and need not be
 * NUL-terminated.
 *
 * Threading terms used below:
 *  - "any thread": may be called concurrently from any thread, including
 *    threads the pack created itself.
 *  - "invoke thread": only from the thread that is running the invoke()
 *    call the object was handed to, and only while that call runs.
 */
/* The layout below is the contract, aligned by hand: clang-format leaves it. */
/* clang-format off */
#ifndef PACKHOST_ABI_H
#define PACKHOST_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Versions and names                                                  */
/* ------------------------------------------------------------------ */

/* The ABI version, written here and nowhere else: the SDK's version, its
 * CMake package version, the "abi" of the manifests packhost_add_pack
 * writes and `packhost --version` are all derived from these numbers.
 *   1.0  the first release
 *   1.1  ph_call_v1.datastore_get/set/delete: the datastore for the
 *        execution's user, from any thread */
#define PH_ABI_MAJOR_NUMBER 1
#define PH_ABI_MINOR_NUMBER 1

#define PH_ABI_PASTE_(a, b) a##b
#define PH_ABI_UNSIGNED_(n) PH_ABI_PASTE_(n, u)
#define PH_ABI_STRING_(n) #n
#define PH_ABI_TEXT_(n) PH_ABI_STRING_(n)
#define PH_ABI_MAJOR PH_ABI_UNSIGNED_(PH_ABI_MAJOR_NUMBER)
#define PH_ABI_MINOR PH_ABI_UNSIGNED_(PH_ABI_MINOR_NUMBER)
/* "1.1" */
#define PH_ABI_VERSION PH_ABI_TEXT_(PH_ABI_MAJOR_NUMBER) "." PH_ABI_TEXT_(PH_ABI_MINOR_NUMBER)

/* The one symbol a v1 pack exports. */
#define PH_ENTRY_SYMBOL_V1 "packhost_pack_entry_v1"

/* Marks the entry point as the pack's only exported symbol. */
#if defined(__GNUC__) || defined(__clang__)
#define PH_EXPORT __attribute__((visibility("default")))
#else
#define PH_EXPORT
#endif

/* ------------------------------------------------------------------ */
/* Return codes (ph_rc). 0 is success; everything else is a failure.    */
/* Codes are stable; new ones may be added, so treat an unknown nonzero */
/* value like PH_ERR.                                                   */
/* ------------------------------------------------------------------ */

typedef int32_t ph_rc;

#define PH_OK 0
/* Generic failure; details were written to the error writer. */
#define PH_ERR 1
/* The caller passed something invalid (bad key, bad JSON, NULL...). */
#define PH_ERR_INVALID_ARGUMENT 2
/* The action stopped because is_canceled() became true. */
#define PH_ERR_CANCELED 3
/* The same code under the spelling of ABI 1.0's first release (packhost
 * says "canceled" everywhere); kept so that such packs still build. */
#define PH_ERR_CANCELLED PH_ERR_CANCELED
/* The action stopped because its deadline passed. */
#define PH_ERR_TIMEOUT 4
/* The service exists in this ABI but is not available in this host
 * (for example the datastore when the host runs without one). */
#define PH_ERR_UNAVAILABLE 5
/* Version negotiation failed (see packhost_pack_entry_v1). */
#define PH_ERR_INCOMPATIBLE 6
/* A queue is full; try again later. Never blocks instead. */
#define PH_ERR_BUSY 7
/* The thing asked for does not exist (datastore key, trigger type). */
#define PH_ERR_NOT_FOUND 8

/* Log levels for ph_host_v1.log. */
#define PH_LOG_TRACE 0u
#define PH_LOG_DEBUG 1u
#define PH_LOG_INFO 2u
#define PH_LOG_WARN 3u
#define PH_LOG_ERROR 4u

/* ------------------------------------------------------------------ */
/* ph_writer_v1: a host-owned sink for text the pack returns.           */
/* ------------------------------------------------------------------ */

/*
 * Every call to write() appends `len` bytes to what the host collects; a
 * pack may call it several times to stream a large value. `data` need not
 * be NUL-terminated and is copied before write() returns.
 *
 * Ownership: host. Lifetime: as documented where the writer is handed out
 * (usually: until the call that received it returns).
 * Threading: the thread that received the writer, unless stated otherwise.
 * Returns PH_OK, or PH_ERR_INVALID_ARGUMENT when the writer is no longer
 * valid or the host refuses more data (size cap).
 *
 * ph_call_v1 embeds two writers by value (result, error), so this struct
 * can never grow within v1: a bigger writer would move every ph_call_v1
 * field after it. Its struct_size is there for the writers handed out by
 * pointer; a writer that needs more gets a new struct, not new fields.
 */
typedef struct ph_writer_v1 {
    uint32_t struct_size;
    uint32_t reserved; /* 0; keeps the pointers 8-byte aligned */
    void *ctx;         /* host's; pass back unchanged */
    ph_rc (*write)(void *ctx, const char *data, size_t len);
} ph_writer_v1;

/* ------------------------------------------------------------------ */
/* ph_host_v1: services the host offers a pack.                         */
/* ------------------------------------------------------------------ */

/* Datastore flags (ph_host_v1.datastore_*, ph_call_v1.datastore_*). */
/* Use the "user" scope instead of the default "system" scope. Through
 * ph_call_v1 (ABI 1.1) it is the user the execution runs for, from any
 * thread. Through ph_host_v1 it is that user only on the thread running
 * invoke(), while it runs; on any other thread (a sensor's, a helper
 * thread an action started) it is the host's system user: an action's
 * helper threads use ph_call_v1's functions to act for its user. */
#define PH_KV_SCOPE_USER 0x1u
/* datastore_set: store the value encrypted at rest (a "secret"). */
#define PH_KV_ENCRYPT 0x2u
/* datastore_get: return the plaintext of an encrypted value. Without this
 * flag an encrypted value is returned as its ciphertext. */
#define PH_KV_DECRYPT 0x4u

/*
 * Handed to packhost_pack_entry_v1. Ownership: host. Lifetime: the whole
 * life of the process (packs are never unloaded), so a pack may keep the
 * pointer. Every function here may be called from any thread, including
 * from inside invoke(), sensor threads and threads the pack made itself.
 * None of them throws or longjmps.
 *
 * A pack built against a newer minor must check struct_size before using a
 * field that is not in this version:
 *     if (host->struct_size >= offsetof(ph_host_v1, new_field) + sizeof ptr)
 */
typedef struct ph_host_v1 {
    uint32_t struct_size;
    uint32_t abi_major; /* the host's PH_ABI_MAJOR */
    uint32_t abi_minor; /* the host's PH_ABI_MINOR */
    uint32_t reserved;  /* 0 */
    void *host;         /* opaque; pass back as the first argument */

    /* NUL-terminated, e.g. "packhost 0.1.0". Valid for the process life. */
    const char *host_version;

    /* Required. Writes one log line attributed to this pack. `msg` need
     * not be NUL-terminated. Never fails. */
    void (*log)(void *host, uint32_t level, const char *msg, size_t len);

    /* Required. Looks a datastore key up and writes its value (text) to
     * `out`. `key` is the bare key name (no scope prefix).
     * Returns PH_OK, PH_ERR_NOT_FOUND, or PH_ERR_UNAVAILABLE when the
     * host has no datastore. `out` is valid only during this call. */
    ph_rc (*datastore_get)(void *host, const char *key, size_t key_len,
                           uint32_t flags, const ph_writer_v1 *out);

    /* Required. Creates or replaces a key. `ttl_seconds` <= 0: no expiry.
     * Returns PH_OK, PH_ERR_INVALID_ARGUMENT or PH_ERR_UNAVAILABLE. */
    ph_rc (*datastore_set)(void *host, const char *key, size_t key_len,
                           const char *value, size_t value_len,
                           int64_t ttl_seconds, uint32_t flags);

    /* Required. Deletes a key. Returns PH_OK, PH_ERR_NOT_FOUND or
     * PH_ERR_UNAVAILABLE. */
    ph_rc (*datastore_delete)(void *host, const char *key, size_t key_len,
                              uint32_t flags);

    /* Required. Emits a trigger instance. `trigger` is a trigger type ref
     * ("pack.name"; a bare "name" means a trigger type of this pack),
     * `payload` a JSON object as text. Never blocks: returns PH_OK when
     * queued, PH_ERR_BUSY when the host's queue is full (while rules
     * consume it; a host with nothing consuming trigger instances keeps
     * the newest and drops the oldest instead),
     * PH_ERR_NOT_FOUND for an unknown trigger type,
     * PH_ERR_INVALID_ARGUMENT for a payload that is not a JSON object. */
    ph_rc (*dispatch_trigger)(void *host, const char *trigger,
                              size_t trigger_len, const char *payload,
                              size_t payload_len);
} ph_host_v1;

/* ------------------------------------------------------------------ */
/* ph_call_v1: one execution of one action.                             */
/* ------------------------------------------------------------------ */

/* Output streams for ph_call_v1.output. */
#define PH_STREAM_STDOUT 1u
#define PH_STREAM_STDERR 2u

/*
 * Handed to ph_action_v1.invoke. Ownership: host. Lifetime: only while that
 * invoke() runs; never keep the pointer or anything reached through it.
 * Threading: functions marked "any thread" may be called from helper
 * threads the action starts, as long as they are joined before invoke()
 * returns; the rest only from the invoke thread.
 */
typedef struct ph_call_v1 {
    uint32_t struct_size;
    uint32_t reserved; /* 0 */
    void *call;        /* opaque; pass back as the first argument */

    /* NUL-terminated execution id (24 hex chars). */
    const char *execution_id;

    /* Deadline on CLOCK_MONOTONIC in nanoseconds; 0 means none. When it
     * passes, is_canceled() turns nonzero and the execution ends as
     * "timeout" whatever the action returns. */
    int64_t deadline_ns;

    /* Any thread. Nonzero once the execution was canceled or its deadline
     * passed. A long-running action should poll it and return
     * PH_ERR_CANCELED (or PH_ERR_TIMEOUT) promptly. (ABI 1.0's first
     * release spelled this field is_cancelled: same place, same type; only
     * source that names it needs the new spelling.) */
    uint32_t (*is_canceled)(void *call);

    /* Any thread. Optional to call. Reports progress in units of 1/10000
     * (10000 = done), with an optional message (may be NULL/0). */
    void (*progress)(void *call, uint32_t per10000, const char *msg,
                     size_t msg_len);

    /* Any thread. Appends a chunk of output to the execution's output
     * stream (PH_STREAM_STDOUT or PH_STREAM_STDERR), as a script's stdout
     * would be. Returns PH_OK or PH_ERR_INVALID_ARGUMENT. */
    ph_rc (*output)(void *call, uint32_t stream, const char *chunk,
                    size_t len);

    /* Invoke thread. The action's result: one JSON value as text (object,
     * array, string, number, true/false or null). Writing nothing yields
     * null. Text that is not valid JSON fails the execution. */
    ph_writer_v1 result;

    /* Invoke thread. Why the action failed, written when invoke() returns
     * nonzero: plain text, or a JSON object {"message": "...", ...}. */
    ph_writer_v1 error;

    /* JSON object text with who and what this execution is for (StackStorm
     * action_context): {"user": ..., "pack": ..., "parent": ...}. */
    const char *context_json;
    size_t context_len;

    /* JSON object text: this pack's site configuration, validated against
     * the pack's config schema ("{}" when the pack has none). Per call, so
     * that a changed configuration applies to the next execution. */
    const char *config_json;
    size_t config_len;

    /* ABI 1.1. Any thread (until invoke() returns). The datastore as
     * ph_host_v1.datastore_get/set/delete offers it, the same arguments and
     * return codes, except that PH_KV_SCOPE_USER means the user this
     * execution runs for whichever thread calls: what an action's helper
     * threads use. NULL from a 1.0 host: check struct_size first,
     *     call->struct_size >= offsetof(ph_call_v1, datastore_delete) + sizeof(void *) */
    ph_rc (*datastore_get)(void *call, const char *key, size_t key_len,
                           uint32_t flags, const ph_writer_v1 *out);
    ph_rc (*datastore_set)(void *call, const char *key, size_t key_len,
                           const char *value, size_t value_len,
                           int64_t ttl_seconds, uint32_t flags);
    ph_rc (*datastore_delete)(void *call, const char *key, size_t key_len,
                              uint32_t flags);
} ph_call_v1;

/* ------------------------------------------------------------------ */
/* Descriptors a pack hands to the host.                                */
/* Ownership: pack. Lifetime: the whole life of the process. The host   */
/* copies every string and value during packhost_pack_entry_v1, so they */
/* only need to stay valid until it has returned, but function pointers */
/* and `user` pointers are kept and used for the process life.          */
/* ------------------------------------------------------------------ */

/* ph_action_v1.flags */
/* invoke() may run concurrently with itself. Without this flag the host
 * runs at most one execution of the action at a time. */
#define PH_ACTION_REENTRANT 0x1u

typedef struct ph_action_v1 {
    uint32_t struct_size;
    uint32_t flags; /* PH_ACTION_* */

    /* Required. NUL-terminated, ^[A-Za-z0-9_-]+$, unique in the pack. The
     * action's ref is "<pack>.<name>". */
    const char *name;

    /* Optional (NULL = ""). NUL-terminated, one line. */
    const char *description;

    /* Optional (NULL = no parameters). NUL-terminated JSON Schema text
     * describing the parameter object: {"type": "object", "properties":
     * {...}, "required": [...], "additionalProperties": false}. Each
     * property may also carry StackStorm's keys "required": true, "secret",
     * "immutable", "position". The host validates and completes the
     * parameters against it before invoke() is called. */
    const char *parameters_schema;

    /* Optional (NULL = none). NUL-terminated JSON Schema of the result. */
    const char *output_schema;

    /* Optional. Passed back unchanged as invoke()'s first argument. */
    void *user;

    /* Required. Runs the action. `params` is the validated parameter object
     * as JSON text, host-owned, valid during the call. Return PH_OK after
     * writing the result to call->result, or a nonzero code after writing
     * the reason to call->error. Must not throw (C++) or longjmp.
     * Threading: a worker thread of the host; concurrently with itself only
     * when PH_ACTION_REENTRANT is set. */
    ph_rc (*invoke)(void *user, const char *params, size_t params_len,
                    const ph_call_v1 *call);
} ph_action_v1;

/* A trigger type the pack's sensors or actions emit. */
typedef struct ph_trigger_type_v1 {
    uint32_t struct_size;
    uint32_t reserved; /* 0 */

    /* Required. NUL-terminated; the ref is "<pack>.<name>". */
    const char *name;
    /* Optional. NUL-terminated. */
    const char *description;
    /* Optional. NUL-terminated JSON Schema of the payload object. */
    const char *payload_schema;
    /* Optional. NUL-terminated JSON Schema of the trigger's parameters
     * (what a rule may set in `trigger.parameters`). */
    const char *parameters_schema;
} ph_trigger_type_v1;

/* Emits trigger instances. The host starts and stops sensors. */
typedef struct ph_sensor_v1 {
    uint32_t struct_size;
    /* > 0: a polling sensor; the host calls poll() every this many
     * seconds from its own thread. 0: the sensor runs its own threads
     * between start() and stop(). */
    uint32_t poll_interval_seconds;

    /* Required. NUL-terminated, unique in the pack. */
    const char *name;
    /* Optional. NUL-terminated. */
    const char *description;
    /* Required. NUL-terminated JSON array of the trigger type refs this
     * sensor dispatches, e.g. ["mypack.new_ticket"]. */
    const char *trigger_types;

    /* Optional. Passed back unchanged as the first argument below. */
    void *user;

    /* Required. Starts one instance of the sensor with the pack's config
     * (JSON object text, valid during the call). Store whatever the
     * instance needs in *instance. Dispatch with ph_host_v1.dispatch_trigger
     * from any thread. On failure return nonzero after writing the reason
     * to `error` (valid during the call). Called from a host thread. */
    ph_rc (*start)(void *user, const char *config, size_t config_len,
                   void **instance, const ph_writer_v1 *error);

    /* Optional (NULL when poll_interval_seconds is 0). One polling round;
     * return nonzero after writing to `error` to report a failed round
     * (the sensor keeps being polled). Never called concurrently with
     * itself or with stop() for the same instance. */
    ph_rc (*poll)(void *user, void *instance, const ph_writer_v1 *error);

    /* Required. Stops the instance. Must not return while any thread of
     * the instance can still call dispatch_trigger; afterwards `instance`
     * is never passed again. */
    ph_rc (*stop)(void *user, void *instance);
} ph_sensor_v1;

/* The pack as a whole. */
typedef struct ph_pack_v1 {
    uint32_t struct_size;
    uint32_t abi_major;          /* PH_ABI_MAJOR the pack was built with */
    uint32_t abi_minor;          /* PH_ABI_MINOR the pack was built with */
    uint32_t action_count;       /* entries in `actions` */
    uint32_t trigger_type_count; /* entries in `trigger_types` */
    uint32_t sensor_count;       /* entries in `sensors` */

    /* Required. NUL-terminated pack ref; must equal pack.yaml's ref. */
    const char *name;
    /* Required. NUL-terminated semver; must equal pack.yaml's version. */
    const char *version;
    /* Optional. NUL-terminated, e.g. "packhost-sdk 1.0.0". */
    const char *sdk_version;
    /* Optional. NUL-terminated facts about the build that matter for
     * compatibility, e.g. "g++ 12.2.0; cxx11abi=1". Shown by
     * `packhost pack show`. */
    const char *build_info;

    const ph_action_v1 *const *actions;             /* action_count */
    const ph_trigger_type_v1 *const *trigger_types; /* trigger_type_count */
    const ph_sensor_v1 *const *sensors;             /* sensor_count */

    /* Optional. Called once when the host shuts down, after every sensor
     * was stopped and no invoke() is running any more. */
    void (*shutdown)(void *user);
    void *shutdown_user;
} ph_pack_v1;

/* ------------------------------------------------------------------ */
/* The entry point.                                                     */
/* ------------------------------------------------------------------ */

/*
 * Exported by the pack as PH_ENTRY_SYMBOL_V1, extern "C", default
 * visibility, never throwing:
 *
 *   PH_EXPORT ph_rc packhost_pack_entry_v1(const ph_host_v1 *host,
 *                                          const ph_pack_v1 **out,
 *                                          const ph_writer_v1 *error);
 *
 * Called once per process, from one host thread, before anything else in
 * the pack. The pack:
 *  - returns PH_ERR_INCOMPATIBLE (and writes why to `error`) if
 *    host->abi_major differs from the major it was built for;
 *  - otherwise does its set-up and stores a pointer to its descriptor in
 *    *out, returning PH_OK; or writes a reason to `error` and returns
 *    nonzero, in which case the host refuses the pack.
 * `host` lives for the process; `error` only during the call. Do no real
 * work in static constructors: they run before any version check.
 */
typedef ph_rc (*ph_pack_entry_v1_fn)(const ph_host_v1 *host,
                                     const ph_pack_v1 **out,
                                     const ph_writer_v1 *error);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PACKHOST_ABI_H */
/* clang-format on */
