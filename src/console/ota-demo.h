/* ota-demo.h — preparing the demo database for `ota-console --demo` */
#pragma once

#include <ota-demo-catalogue.h>

G_BEGIN_DECLS

/* Fills @engine with the demo catalogue on a worker thread when it holds no product
 * yet; a demo database that was filled before is left as it is. */
void     ota_demo_prepare_async  (OtaEngine            *engine,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data);
/* @summary (optional): what was added; all zero when the database was filled before. */
gboolean ota_demo_prepare_finish (OtaEngine            *engine,
                                  GAsyncResult         *result,
                                  OtaDemoSummary       *summary,
                                  GError              **error);

G_END_DECLS
