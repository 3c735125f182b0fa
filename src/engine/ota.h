/* ota.h — everything of libota, the OTA engine */
#pragma once

#include "ota-clock.h"
#include "ota-device.h"
#include "ota-engine.h"
#include "ota-enum-types.h"
#include "ota-error.h"
#include "ota-firmware.h"
#include "ota-manual-clock.h"
#include "ota-module.h"
#include "ota-product.h"
#include "ota-signer.h"
#include "ota-store.h"
#include "ota-types.h"
#include "ota-validate.h"
