#pragma once
// A module that reaches below itself in the module map: the check must refuse it.
#include "workflows/engine.hpp"
