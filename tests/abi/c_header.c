/* The ABI header must compile as plain C99 and keep its v1 layout there too. */
#include <packhost/abi.h>
#include <stddef.h>

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define CHECK(cond) typedef char CAT(abi_check_, __LINE__)[(cond) ? 1 : -1]

CHECK(sizeof(ph_writer_v1) == 24);
CHECK(sizeof(ph_host_v1) == 72);
CHECK(sizeof(ph_call_v1) == 160); /* 1.1: + datastore_get/set/delete */
CHECK(offsetof(ph_call_v1, datastore_delete) == 152);
CHECK(PH_ABI_MAJOR == 1u && PH_ABI_MINOR >= 1u);
CHECK(sizeof(ph_action_v1) == 56);
CHECK(sizeof(ph_trigger_type_v1) == 40);
CHECK(sizeof(ph_sensor_v1) == 64);
CHECK(sizeof(ph_pack_v1) == 96);
CHECK(offsetof(ph_pack_v1, shutdown_user) == 88);

/* Called from the C++ test so the linker keeps this translation unit. */
size_t packhost_abi_c_sizeof_call(void) { return sizeof(ph_call_v1); }
