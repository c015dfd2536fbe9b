#include "api/openapi.hpp"

namespace packhost::api {

std::string_view openapi_document() {
    // Written by hand, next to the routes it describes; the test that reads
    // it against the router fails when a route is added without it.
    static constexpr std::string_view kDocument = R"json({
  "openapi": "3.0.3",
  "info": {
    "title": "packhost",
    "version": "1",
    "description": "StackStorm's REST API (paths, field names, {\"faultstring\"} errors) served by packhost serve."
  },
  "security": [{"St2ApiKey": []}, {"XAuthToken": []}],
  "components": {
    "securitySchemes": {
      "St2ApiKey": {"type": "apiKey", "in": "header", "name": "St2-Api-Key"},
      "XAuthToken": {"type": "apiKey", "in": "header", "name": "X-Auth-Token"}
    },
    "parameters": {
      "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 1000, "default": 50}},
      "offset": {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
      "id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
      "name": {"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
      "scope": {"name": "scope", "in": "query", "schema": {"type": "string", "enum": ["system", "user", "st2kv.system", "st2kv.user"], "default": "system"}},
      "decrypt": {"name": "decrypt", "in": "query", "schema": {"type": "boolean", "default": false}}
    },
    "schemas": {
      "Fault": {"type": "object", "required": ["faultstring"], "properties": {"faultstring": {"type": "string"}, "problems": {"type": "array", "items": {"type": "string"}}}},
      "Execution": {"type": "object", "properties": {"id": {"type": "string"}, "action": {"type": "object"}, "status": {"type": "string"}, "parameters": {"type": "object"}, "result": {}, "context": {"type": "object"}, "start_timestamp": {"type": "string"}, "end_timestamp": {"type": "string"}, "log": {"type": "array"}}},
      "KeyValuePair": {"type": "object", "properties": {"name": {"type": "string"}, "value": {"type": "string"}, "secret": {"type": "boolean"}, "encrypted": {"type": "boolean"}, "scope": {"type": "string"}, "user": {"type": "string"}, "expire_timestamp": {"type": "string", "nullable": true}}},
      "TriggerInstance": {"type": "object", "properties": {"id": {"type": "string"}, "trigger": {"type": "string"}, "payload": {"type": "object"}, "occurrence_time": {"type": "string"}, "status": {"type": "string"}}}
    },
    "responses": {
      "Fault": {"description": "The request was refused; faultstring says why", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fault"}}}}
    }
  },
  "paths": {
    "/api/v1/health": {
      "get": {"summary": "Whether the host and its store work", "security": [], "responses": {"200": {"description": "status, store, packs, executions_running"}}}
    },
    "/api/v1/openapi.json": {
      "get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3"}}}
    },
    "/api/v1/packs": {
      "get": {"summary": "Loaded packs", "responses": {"200": {"description": "Packs"}, "401": {"$ref": "#/components/responses/Fault"}}}
    },
    "/api/v1/actions": {
      "get": {"summary": "Actions", "parameters": [{"name": "pack", "in": "query", "schema": {"type": "string"}}], "responses": {"200": {"description": "Actions"}}}
    },
    "/api/v1/actions/{ref}": {
      "get": {"summary": "One action", "parameters": [{"name": "ref", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "The action"}, "404": {"$ref": "#/components/responses/Fault"}}}
    },
    "/api/v1/actionalias": {
      "get": {"summary": "Action aliases (StackStorm's shape)", "parameters": [{"name": "pack", "in": "query", "schema": {"type": "string"}}], "responses": {"200": {"description": "Aliases"}}}
    },
    "/api/v1/actionalias/help": {
      "get": {"summary": "Help strings: the displays of enabled aliases a filter (a case-insensitive regular expression) finds", "parameters": [{"name": "filter", "in": "query", "schema": {"type": "string"}}, {"name": "pack", "in": "query", "schema": {"type": "string"}}, {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 1000, "default": 0}, "description": "0: all"}, {"$ref": "#/components/parameters/offset"}], "responses": {"200": {"description": "{available, helpstrings: [{pack, display, description}]}"}, "400": {"$ref": "#/components/responses/Fault"}}}
    },
    "/api/v1/actionalias/match": {
      "post": {"summary": "Which alias and format a chat command matches", "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["command"], "properties": {"command": {"type": "string"}}}}}}, "responses": {"200": {"description": "{actionalias, display, representation}"}, "400": {"$ref": "#/components/responses/Fault"}, "415": {"$ref": "#/components/responses/Fault"}}}
    },
    "/api/v1/actionalias/{ref}": {
      "get": {"summary": "One action alias", "parameters": [{"name": "ref", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "The alias"}, "404": {"$ref": "#/components/responses/Fault"}}}
    },
    "/api/v1/executions": {
      "get": {"summary": "Executions, newest first", "parameters": [{"name": "action", "in": "query", "schema": {"type": "string"}}, {"name": "status", "in": "query", "schema": {"type": "string"}}, {"name": "parent", "in": "query", "schema": {"type": "string"}}, {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"}], "responses": {"200": {"description": "Executions", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Execution"}}}}}, "400": {"$ref": "#/components/responses/Fault"}}},
      "post": {"summary": "Run an action", "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["action"], "properties": {"action": {"type": "string"}, "parameters": {"type": "object"}, "timeout": {"type": "number", "minimum": 0, "description": "seconds before it times out (packhost)"}}}}}}, "responses": {"201": {"description": "The execution, accepted", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Execution"}}}}, "400": {"$ref": "#/components/responses/Fault"}, "404": {"$ref": "#/components/responses/Fault"}, "415": {"$ref": "#/components/responses/Fault"}, "429": {"$ref": "#/components/responses/Fault"}}}
    },
    "/api/v1/executions/{id}": {
      "get": {"summary": "One execution", "parameters": [{"$ref": "#/components/parameters/id"}], "responses": {"200": {"description": "The execution"}, "404": {"$ref": "#/components/responses/Fault"}}},
      "put": {"summary": "Pause or resume a workflow (asked, not waited for)", "parameters": [{"$ref": "#/components/parameters/id"}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": ["pausing", "resuming"]}}}}}}, "responses": {"200": {"description": "The execution, pausing, paused, resuming or running"}, "400": {"$ref": "#/components/responses/Fault"}, "404": {"$ref": "#/components/responses/Fault"}, "409": {"$ref": "#/components/responses/Fault"}}},
      "delete": {"summary": "Cancel an execution", "parameters": [{"$ref": "#/components/parameters/id"}], "responses": {"200": {"description": "The execution, canceling or canceled"}, "404": {"$ref": "#/components/responses/Fault"}, "409": {"$ref": "#/components/responses/Fault"}}}
    },
    "/api/v1/executions/{id}/re_run": {
      "post": {"summary": "Run an execution's action again, parameters optionally changed", "parameters": [{"$ref": "#/components/parameters/id"}], "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"parameters": {"type": "object"}}}}}}, "responses": {"201": {"description": "The new execution"}, "404": {"$ref": "#/components/responses/Fault"}}}
    },
    "/api/v1/executions/{id}/output": {
      "get": {"summary": "An execution's output", "parameters": [{"$ref": "#/components/parameters/id"}, {"name": "output_type", "in": "query", "schema": {"type": "string", "enum": ["stdout", "stderr"]}}], "responses": {"200": {"description": "The output", "content": {"text/plain": {}}}, "404": {"$ref": "#/components/responses/Fault"}}}
    },
    "/api/v1/keys": {
      "get": {"summary": "Datastore keys", "parameters": [{"name": "prefix", "in": "query", "schema": {"type": "string"}}, {"name": "scope", "in": "query", "schema": {"type": "string", "enum": ["all", "system", "user"], "default": "all"}}, {"$ref": "#/components/parameters/decrypt"}], "responses": {"200": {"description": "Keys", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/KeyValuePair"}}}}}}}
    },
    "/api/v1/keys/{name}": {
      "get": {"summary": "One key; a secret's value stays encrypted unless decrypt=true", "parameters": [{"$ref": "#/components/parameters/name"}, {"$ref": "#/components/parameters/scope"}, {"$ref": "#/components/parameters/decrypt"}], "responses": {"200": {"description": "The key"}, "404": {"$ref": "#/components/responses/Fault"}}},
      "put": {"summary": "Create or replace a key", "parameters": [{"$ref": "#/components/parameters/name"}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["value"], "properties": {"value": {"type": "string"}, "secret": {"type": "boolean"}, "scope": {"type": "string"}, "ttl": {"type": "integer", "minimum": 0}}}}}}, "responses": {"200": {"description": "The key"}, "400": {"$ref": "#/components/responses/Fault"}}},
      "delete": {"summary": "Delete a key", "parameters": [{"$ref": "#/components/parameters/name"}, {"$ref": "#/components/parameters/scope"}], "responses": {"204": {"description": "Deleted"}, "404": {"$ref": "#/components/responses/Fault"}}}
    },
    "/api/v1/webhooks/{name}": {
      "post": {"summary": "A core.st2.webhook trigger instance with payload {url, headers, body}", "parameters": [{"$ref": "#/components/parameters/name"}, {"name": "X-Hub-Signature-256", "in": "header", "schema": {"type": "string"}, "description": "sha256=<hex HMAC-SHA256 of the body>, required for webhooks with a secret"}], "requestBody": {"content": {"application/json": {}, "application/x-www-form-urlencoded": {}}}, "responses": {"202": {"description": "Accepted: {id, trigger, url}"}, "401": {"$ref": "#/components/responses/Fault"}, "415": {"$ref": "#/components/responses/Fault"}, "429": {"$ref": "#/components/responses/Fault"}}}
    },
    "/api/v1/triggerinstances": {
      "get": {"summary": "Trigger instances, newest first", "parameters": [{"name": "trigger", "in": "query", "schema": {"type": "string"}}, {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["pending", "processing", "processed", "processing_failed", "rejected"]}}, {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"}], "responses": {"200": {"description": "Trigger instances", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/TriggerInstance"}}}}}}}
    },
    "/api/v1/triggerinstances/{id}": {
      "get": {"summary": "One trigger instance", "parameters": [{"$ref": "#/components/parameters/id"}], "responses": {"200": {"description": "The trigger instance"}, "404": {"$ref": "#/components/responses/Fault"}}}
    },
    "/api/v1/triggerinstances/{id}/re_emit": {
      "post": {"summary": "Emit a trigger instance again (its payload gains __context.original_id)", "parameters": [{"$ref": "#/components/parameters/id"}], "responses": {"200": {"description": "{message, id, payload}"}, "400": {"$ref": "#/components/responses/Fault"}, "404": {"$ref": "#/components/responses/Fault"}, "429": {"$ref": "#/components/responses/Fault"}}}
    },
    "/api/v1/triggertypes": {
      "get": {"summary": "Trigger types: the system ones and the packs'", "parameters": [{"name": "pack", "in": "query", "schema": {"type": "string"}}], "responses": {"200": {"description": "Trigger types {ref, pack, name, description, payload_schema, parameters_schema, source}"}}}
    },
    "/api/v1/triggertypes/{ref}": {
      "get": {"summary": "One trigger type", "parameters": [{"name": "ref", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "The trigger type"}, "404": {"$ref": "#/components/responses/Fault"}}}
    },
    "/stream/v1/stream": {
      "get": {"summary": "Server-sent events: st2.execution__create, st2.execution__update, st2.execution.output__create, st2.trigger_instance__create", "parameters": [{"name": "events", "in": "query", "schema": {"type": "string"}, "description": "comma-separated event types"}, {"name": "Last-Event-ID", "in": "header", "schema": {"type": "string"}}], "responses": {"200": {"description": "The stream", "content": {"text/event-stream": {}}}}}
    },
    "/metrics": {
      "get": {"summary": "Prometheus metrics (text format 0.0.4): executions started and finished, durations, queue depth, packs, HTTP requests, trigger instances", "responses": {"200": {"description": "The metrics", "content": {"text/plain": {}}}}}
    },
    "/auth/v1/tokens": {
      "post": {"summary": "A short-lived token for X-Auth-Token", "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"ttl": {"type": "integer", "minimum": 1, "maximum": 86400, "default": 3600}}}}}}, "responses": {"201": {"description": "{user, token, expiry}"}, "401": {"$ref": "#/components/responses/Fault"}}}
    }
  }
})json";
    return kDocument;
}

}  // namespace packhost::api
