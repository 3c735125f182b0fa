/* ota-backend-private.h — argument checks shared by the OtaBackend wrapper files */
#pragma once

#include "ota-backend.h"

#define OTA_BACKEND_CHECK_ASYNC(self, cancellable) \
  G_STMT_START { \
    g_return_if_fail (OTA_IS_BACKEND (self)); \
    g_return_if_fail ((cancellable) == NULL || G_IS_CANCELLABLE (cancellable)); \
  } G_STMT_END

#define OTA_BACKEND_CHECK_FINISH(self, result, error, value) \
  G_STMT_START { \
    g_return_val_if_fail (OTA_IS_BACKEND (self), value); \
    g_return_val_if_fail (G_IS_ASYNC_RESULT (result), value); \
    g_return_val_if_fail ((error) == NULL || *(error) == NULL, value); \
  } G_STMT_END

#define OTA_BACKEND_IFACE(self) OTA_BACKEND_GET_IFACE (self)
