/* test-backend.c — every OtaBackend operation, through OtaLocalBackend or (with
 * --remote) through OtaRemoteBackend and an in-process ota-server: same tests, same
 * expectations, including error codes and fields, progress, signals and cancels */
#include "backend-fixture.h"

int
main (int   argc,
      char *argv[])
{
  backend_test_init (&argc, &argv);

  backend_test_add_catalogue ();
  backend_test_add_rollout ();
  if (backend_test_is_remote ())
    backend_test_add_remote ();

  return g_test_run ();
}
