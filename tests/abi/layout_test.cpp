// Pins the v1 ABI: every struct's size and every field's offset on x86-64
// Linux (LP64). A change here breaks every pack ever built: fields may only
// be appended (and then the size pins move, nothing else).
#include <gtest/gtest.h>
#include <packhost/abi.h>

#include <cstddef>
#include <string>

extern "C" size_t packhost_abi_c_sizeof_call(void);

#define PIN_OFFSET(type, field, value) EXPECT_EQ(offsetof(type, field), size_t{value}) << #type "." #field

TEST(AbiLayout, Writer) {
    EXPECT_EQ(sizeof(ph_writer_v1), 24u);
    PIN_OFFSET(ph_writer_v1, struct_size, 0);
    PIN_OFFSET(ph_writer_v1, reserved, 4);
    PIN_OFFSET(ph_writer_v1, ctx, 8);
    PIN_OFFSET(ph_writer_v1, write, 16);
}

TEST(AbiLayout, Host) {
    EXPECT_EQ(sizeof(ph_host_v1), 72u);
    PIN_OFFSET(ph_host_v1, struct_size, 0);
    PIN_OFFSET(ph_host_v1, abi_major, 4);
    PIN_OFFSET(ph_host_v1, abi_minor, 8);
    PIN_OFFSET(ph_host_v1, reserved, 12);
    PIN_OFFSET(ph_host_v1, host, 16);
    PIN_OFFSET(ph_host_v1, host_version, 24);
    PIN_OFFSET(ph_host_v1, log, 32);
    PIN_OFFSET(ph_host_v1, datastore_get, 40);
    PIN_OFFSET(ph_host_v1, datastore_set, 48);
    PIN_OFFSET(ph_host_v1, datastore_delete, 56);
    PIN_OFFSET(ph_host_v1, dispatch_trigger, 64);
}

TEST(AbiLayout, Call) {
    // 1.0 ended at 136 (config_len); 1.1 appended the call's datastore.
    EXPECT_EQ(sizeof(ph_call_v1), 160u);
    EXPECT_EQ(packhost_abi_c_sizeof_call(), sizeof(ph_call_v1)) << "C and C++ disagree";
    PIN_OFFSET(ph_call_v1, struct_size, 0);
    PIN_OFFSET(ph_call_v1, reserved, 4);
    PIN_OFFSET(ph_call_v1, call, 8);
    PIN_OFFSET(ph_call_v1, execution_id, 16);
    PIN_OFFSET(ph_call_v1, deadline_ns, 24);
    PIN_OFFSET(ph_call_v1, is_canceled, 32);
    PIN_OFFSET(ph_call_v1, progress, 40);
    PIN_OFFSET(ph_call_v1, output, 48);
    PIN_OFFSET(ph_call_v1, result, 56);
    PIN_OFFSET(ph_call_v1, error, 80);
    PIN_OFFSET(ph_call_v1, context_json, 104);
    PIN_OFFSET(ph_call_v1, context_len, 112);
    PIN_OFFSET(ph_call_v1, config_json, 120);
    PIN_OFFSET(ph_call_v1, config_len, 128);
    PIN_OFFSET(ph_call_v1, datastore_get, 136);
    PIN_OFFSET(ph_call_v1, datastore_set, 144);
    PIN_OFFSET(ph_call_v1, datastore_delete, 152);
}

TEST(AbiLayout, VersionIsWrittenOnce) {
    EXPECT_STREQ(PH_ABI_VERSION, (std::to_string(PH_ABI_MAJOR) + "." + std::to_string(PH_ABI_MINOR)).c_str());
    EXPECT_EQ(PH_ABI_MAJOR, 1u) << "a new major is a new entry symbol, not an edit of this one";
}

TEST(AbiLayout, Action) {
    EXPECT_EQ(sizeof(ph_action_v1), 56u);
    PIN_OFFSET(ph_action_v1, struct_size, 0);
    PIN_OFFSET(ph_action_v1, flags, 4);
    PIN_OFFSET(ph_action_v1, name, 8);
    PIN_OFFSET(ph_action_v1, description, 16);
    PIN_OFFSET(ph_action_v1, parameters_schema, 24);
    PIN_OFFSET(ph_action_v1, output_schema, 32);
    PIN_OFFSET(ph_action_v1, user, 40);
    PIN_OFFSET(ph_action_v1, invoke, 48);
}

TEST(AbiLayout, TriggerType) {
    EXPECT_EQ(sizeof(ph_trigger_type_v1), 40u);
    PIN_OFFSET(ph_trigger_type_v1, struct_size, 0);
    PIN_OFFSET(ph_trigger_type_v1, reserved, 4);
    PIN_OFFSET(ph_trigger_type_v1, name, 8);
    PIN_OFFSET(ph_trigger_type_v1, description, 16);
    PIN_OFFSET(ph_trigger_type_v1, payload_schema, 24);
    PIN_OFFSET(ph_trigger_type_v1, parameters_schema, 32);
}

TEST(AbiLayout, Sensor) {
    EXPECT_EQ(sizeof(ph_sensor_v1), 64u);
    PIN_OFFSET(ph_sensor_v1, struct_size, 0);
    PIN_OFFSET(ph_sensor_v1, poll_interval_seconds, 4);
    PIN_OFFSET(ph_sensor_v1, name, 8);
    PIN_OFFSET(ph_sensor_v1, description, 16);
    PIN_OFFSET(ph_sensor_v1, trigger_types, 24);
    PIN_OFFSET(ph_sensor_v1, user, 32);
    PIN_OFFSET(ph_sensor_v1, start, 40);
    PIN_OFFSET(ph_sensor_v1, poll, 48);
    PIN_OFFSET(ph_sensor_v1, stop, 56);
}

TEST(AbiLayout, Pack) {
    EXPECT_EQ(sizeof(ph_pack_v1), 96u);
    PIN_OFFSET(ph_pack_v1, struct_size, 0);
    PIN_OFFSET(ph_pack_v1, abi_major, 4);
    PIN_OFFSET(ph_pack_v1, abi_minor, 8);
    PIN_OFFSET(ph_pack_v1, action_count, 12);
    PIN_OFFSET(ph_pack_v1, trigger_type_count, 16);
    PIN_OFFSET(ph_pack_v1, sensor_count, 20);
    PIN_OFFSET(ph_pack_v1, name, 24);
    PIN_OFFSET(ph_pack_v1, version, 32);
    PIN_OFFSET(ph_pack_v1, sdk_version, 40);
    PIN_OFFSET(ph_pack_v1, build_info, 48);
    PIN_OFFSET(ph_pack_v1, actions, 56);
    PIN_OFFSET(ph_pack_v1, trigger_types, 64);
    PIN_OFFSET(ph_pack_v1, sensors, 72);
    PIN_OFFSET(ph_pack_v1, shutdown, 80);
    PIN_OFFSET(ph_pack_v1, shutdown_user, 88);
}

TEST(AbiLayout, ConstantsNeverChange) {
    EXPECT_EQ(PH_ABI_MAJOR, 1u);
    EXPECT_STREQ(PH_ENTRY_SYMBOL_V1, "packhost_pack_entry_v1");
    EXPECT_EQ(PH_OK, 0);
    EXPECT_EQ(PH_ERR, 1);
    EXPECT_EQ(PH_ERR_INVALID_ARGUMENT, 2);
    EXPECT_EQ(PH_ERR_CANCELED, 3);
    EXPECT_EQ(PH_ERR_CANCELLED, PH_ERR_CANCELED) << "the first release's spelling still builds";
    EXPECT_EQ(PH_ERR_TIMEOUT, 4);
    EXPECT_EQ(PH_ERR_UNAVAILABLE, 5);
    EXPECT_EQ(PH_ERR_INCOMPATIBLE, 6);
    EXPECT_EQ(PH_ERR_BUSY, 7);
    EXPECT_EQ(PH_ERR_NOT_FOUND, 8);
    EXPECT_EQ(PH_LOG_TRACE, 0u);
    EXPECT_EQ(PH_LOG_ERROR, 4u);
    EXPECT_EQ(PH_KV_SCOPE_USER, 1u);
    EXPECT_EQ(PH_KV_ENCRYPT, 2u);
    EXPECT_EQ(PH_KV_DECRYPT, 4u);
    EXPECT_EQ(PH_STREAM_STDOUT, 1u);
    EXPECT_EQ(PH_STREAM_STDERR, 2u);
    EXPECT_EQ(PH_ACTION_REENTRANT, 1u);
}
