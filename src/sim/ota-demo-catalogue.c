/* ota-demo-catalogue.c — the demo catalogue
 *
 * Everything random comes from one GRand seeded by the caller and is drawn in a fixed
 * order (products, then their devices, then their firmware files), so a seed always
 * gives the same catalogue. Devices go in through the CSV import, one transaction per
 * product, because thousands of single adds would each wait for a disk sync.
 */
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ota-demo-catalogue.h"
#include "ota-demo-files.h"

typedef struct {
  const char *province;
  const char *cities[5];   /* NULL-terminated */
  guint       weight;      /* share of devices, roughly by population and market */
} DemoRegion;

static const DemoRegion regions[] = {
  { "广东省", { "深圳市", "广州市", "东莞市", "佛山市", NULL }, 12 },
  { "浙江省", { "杭州市", "宁波市", "温州市", "绍兴市", NULL }, 10 },
  { "江苏省", { "南京市", "苏州市", "无锡市", "常州市", NULL }, 10 },
  { "山东省", { "济南市", "青岛市", "烟台市", NULL }, 7 },
  { "上海市", { "上海市", NULL }, 7 },
  { "北京市", { "北京市", NULL }, 6 },
  { "四川省", { "成都市", "绵阳市", NULL }, 6 },
  { "河南省", { "郑州市", "洛阳市", NULL }, 5 },
  { "湖北省", { "武汉市", "宜昌市", NULL }, 5 },
  { "福建省", { "福州市", "厦门市", "泉州市", NULL }, 5 },
  { "湖南省", { "长沙市", "株洲市", NULL }, 4 },
  { "河北省", { "石家庄市", "保定市", NULL }, 3 },
  { "安徽省", { "合肥市", "芜湖市", NULL }, 3 },
  { "陕西省", { "西安市", "宝鸡市", NULL }, 3 },
  { "重庆市", { "重庆市", NULL }, 3 },
  { "天津市", { "天津市", NULL }, 2 },
  { "辽宁省", { "沈阳市", "大连市", NULL }, 2 },
  { "江西省", { "南昌市", "赣州市", NULL }, 2 },
  { "广西壮族自治区", { "南宁市", "桂林市", NULL }, 2 },
  { "云南省", { "昆明市", "大理市", NULL }, 2 },
  { "黑龙江省", { "哈尔滨市", NULL }, 1 },
  { "吉林省", { "长春市", NULL }, 1 },
  { "山西省", { "太原市", NULL }, 1 },
  { "贵州省", { "贵阳市", NULL }, 1 },
  { "海南省", { "海口市", "三亚市", NULL }, 1 },
  { "甘肃省", { "兰州市", NULL }, 1 },
  { "内蒙古自治区", { "呼和浩特市", NULL }, 1 },
  { "新疆维吾尔自治区", { "乌鲁木齐市", NULL }, 1 },
};

typedef struct {
  const char *name;
  const char *versions[6];   /* oldest first, NULL-terminated, at least three */
} DemoModule;

typedef struct {
  const char       *file;      /* the extension picks the kind of file */
  const char       *name;
  OtaFirmwareType   type;
  const char       *module;    /* NULL: default */
  const char       *version;
  const char       *sources[4];
  OtaSignAlgorithm  sign;
  const char       *description;
} DemoFirmware;

typedef struct {
  OtaProductSpec  spec;
  gboolean        secure_upgrade;
  const char     *device_prefix;
  guint           share;           /* percent of the devices */
  guint           online_percent;
  DemoModule      modules[2];      /* the second one may be unused (name NULL) */
  DemoFirmware    firmwares[3];    /* the last ones may be unused (file NULL) */
} DemoProduct;

static const DemoProduct products[] = {
  {
    { "a1SmartPlug", "智能插座 Pro", OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_WIFI, TRUE, FALSE },
    TRUE, "SP", 40, 45,
    { { "default", { "1.0.3", "1.1.0", "1.2.0", "1.2.1", NULL } },
      { "wifi-fw", { "2.3.0", "2.4.0", "2.4.1", NULL } } },
    { { "plug-main-1.3.0.bin", "智能插座主控固件(1_3_0)", OTA_FIRMWARE_TYPE_FULL, NULL, "1.3.0",
        { "1.2.0", "1.2.1", NULL }, OTA_SIGN_ALGORITHM_SHA256, "修复定时开关偶发失效，优化功率计量精度" },
      { "plug-main-1.2.2-diff.bin", "智能插座差分包(1_2_1-1_2_2)", OTA_FIRMWARE_TYPE_DIFF, NULL, "1.2.2",
        { "1.2.1", NULL }, OTA_SIGN_ALGORITHM_SHA256, "仅含 1.2.1 到 1.2.2 的差分，修复断电记忆" },
      { "plug-wifi-2.5.0.tar.gz", "插座WiFi模组固件-250", OTA_FIRMWARE_TYPE_FULL, "wifi-fw", "2.5.0",
        { "2.4.0", "2.4.1", NULL }, OTA_SIGN_ALGORITHM_SHA256, "WiFi 模组：提升弱网重连速度" } },
  },
  {
    { "a1BleLamp01", "天猫精灵 蓝牙床头灯", OTA_PROJECT_TYPE_TMALL_GENIE, OTA_NETWORK_TYPE_BLE, FALSE, FALSE },
    FALSE, "LAMP", 30, 25,
    { { "default", { "3.0.0", "3.0.2", "3.1.0", NULL } } },
    { { "lamp-3.2.0.bin", "床头灯固件(3_2_0)", OTA_FIRMWARE_TYPE_FULL, NULL, "3.2.0",
        { "3.0.2", "3.1.0", NULL }, OTA_SIGN_ALGORITHM_MD5, "新增渐亮唤醒模式" },
      { "lamp-3.1.1.zip", "床头灯固件(3_1_1)", OTA_FIRMWARE_TYPE_FULL, NULL, "3.1.1",
        { "3.0.0", "3.0.2", "3.1.0", NULL }, OTA_SIGN_ALGORITHM_MD5, "修复与天猫精灵音箱配网失败" } },
  },
  {
    { "a1Tracker4G", "4G 定位器 T3", OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_CELLULAR, FALSE, FALSE },
    FALSE, "TRK", 15, 60,
    { { "default", { "0.9.8", "1.0.0", "1.0.5", "1.1.0", NULL } },
      { "modem", { "EC20.R2.0", "EC20.R2.1", "EC20.R2.2", NULL } } },
    { { "tracker-1.2.0.tar.gz", "定位器主固件(1_2_0)", OTA_FIRMWARE_TYPE_FULL, NULL, "1.2.0",
        { "1.0.5", "1.1.0", NULL }, OTA_SIGN_ALGORITHM_SHA256, "降低待机功耗，GPS 冷启动更快" },
      { "tracker-modem-r23.bin", "定位器基带差分(R2_3)", OTA_FIRMWARE_TYPE_DIFF, "modem", "EC20.R2.3",
        { "EC20.R2.2", NULL }, OTA_SIGN_ALGORITHM_SHA256, "基带补丁：修复部分地区掉网" } },
  },
  {
    { "a1HomePanel", "智能家居中控屏", OTA_PROJECT_TYPE_OWN_BRAND, OTA_NETWORK_TYPE_WIFI, FALSE, TRUE },
    FALSE, "PANEL", 15, 70,
    { { "default", { "5.0.0", "5.1.0", "5.2.0", NULL } },
      { "app", { "2.0.1", "2.1.0", "2.2.3", "2.3.0", NULL } } },
    { { "panel-5.3.0.zip", "中控屏系统固件(5_3_0)", OTA_FIRMWARE_TYPE_FULL, NULL, "5.3.0",
        { "5.1.0", "5.2.0", NULL }, OTA_SIGN_ALGORITHM_SHA256, "Android 系统更新与安全补丁" },
      { "panel-5.2.1-diff.bin", "中控屏差分包(5_2_1)", OTA_FIRMWARE_TYPE_DIFF, NULL, "5.2.1",
        { "5.2.0", NULL }, OTA_SIGN_ALGORITHM_MD5, "差分升级：修复语音唤醒" },
      { "panel-app-2.4.0.zip", "中控屏应用(2_4_0)", OTA_FIRMWARE_TYPE_FULL, "app", "2.4.0",
        { "2.2.3", "2.3.0", NULL }, OTA_SIGN_ALGORITHM_SHA256, "场景编辑器重做" } },
  },
};

static const DemoRegion *
pick_region (GRand *rand)
{
  guint total = 0, pick;

  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    total += regions[i].weight;

  pick = g_rand_int_range (rand, 0, total);
  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    {
      if (pick < regions[i].weight)
        return &regions[i];
      pick -= regions[i].weight;
    }

  return &regions[0];
}

/* Most devices run the release before the latest, some the latest, some older ones,
 * and a few never reported this module (R-DV2). NULL: no report. */
static const char *
pick_version (const DemoModule *module,
              GRand            *rand)
{
  guint n = g_strv_length ((GStrv) module->versions);
  gint32 roll = g_rand_int_range (rand, 0, 100);

  if (roll < 5)
    return NULL;
  if (roll < 60)
    return module->versions[n - 2];
  if (roll < 80)
    return module->versions[n - 1];
  return module->versions[g_rand_int_range (rand, 0, n - 2)];
}

static void
append_device_row (GString           *csv,
                   const DemoProduct *product,
                   guint              index,
                   GRand             *rand)
{
  gint32 region_roll = g_rand_int_range (rand, 0, 100);
  const DemoRegion *region = pick_region (rand);
  const char *city = region->cities[g_rand_int_range (rand, 0, g_strv_length ((GStrv) region->cities))];
  gboolean online = (guint) g_rand_int_range (rand, 0, 100) < product->online_percent;
  guint32 serial = g_rand_int_range (rand, 0, 0x1000000);
  gboolean first = TRUE;

  g_string_append_printf (csv, "%s,%s-%06u-%06X,", product->spec.key, product->device_prefix, index, serial);

  /* 2 % of devices have no known region, 3 % only a province. */
  if (region_roll < 2)
    g_string_append (csv, ",,");
  else if (region_roll < 5)
    g_string_append_printf (csv, "%s,,", region->province);
  else
    g_string_append_printf (csv, "%s,%s,", region->province, city);

  for (guint m = 0; m < G_N_ELEMENTS (product->modules) && product->modules[m].name != NULL; m++)
    {
      const char *version = pick_version (&product->modules[m], rand);

      if (version == NULL)
        continue;
      g_string_append_printf (csv, "%s%s=%s", first ? "" : ";", product->modules[m].name, version);
      first = FALSE;
    }

  g_string_append (csv, online ? ",yes\n" : ",no\n");
}

static gboolean
add_devices (OtaEngine          *engine,
             const DemoProduct  *product,
             guint               n_devices,
             GRand              *rand,
             GCancellable       *cancellable,
             guint64            *added,
             GError            **error)
{
  g_autoptr(GString) csv = g_string_new ("product,device,province,city,versions,online\n");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GInputStream) stream = NULL;
  OtaImportResult result = { 0 };

  for (guint i = 0; i < n_devices; i++)
    append_device_row (csv, product, i + 1, rand);

  bytes = g_string_free_to_bytes (g_steal_pointer (&csv));
  stream = g_memory_input_stream_new_from_bytes (bytes);
  if (!ota_engine_import_devices_csv (engine, stream, &result, cancellable, NULL, NULL, error))
    return FALSE;

  *added += result.added;
  return TRUE;
}

static gboolean
add_firmware (OtaEngine           *engine,
              const DemoProduct   *product,
              const DemoFirmware  *firmware,
              const char          *dir,
              GRand               *rand,
              GCancellable        *cancellable,
              GError             **error)
{
  g_autofree char *path = g_build_filename (dir, firmware->file, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(OtaFirmware) added = NULL;
  gsize size = (gsize) g_rand_int_range (rand, 24, 65) * 1024;
  OtaFirmwareSpec spec = {
    .product_key = product->spec.key,
    .name = firmware->name,
    .type = firmware->type,
    .version = firmware->version,
    .source_versions = firmware->sources,
    .module = firmware->module,
    .sign_algorithm = firmware->sign,
    .description = firmware->description,
  };

  if (!ota_demo_write_firmware_file (path, firmware->version, size, rand, error))
    return FALSE;

  added = ota_engine_add_firmware (engine, &spec, file, cancellable, NULL, NULL, error);
  g_unlink (path);
  return added != NULL;
}

static gboolean
fill_product (OtaEngine          *engine,
              const DemoProduct  *product,
              guint               n_devices,
              const char         *dir,
              GRand              *rand,
              GCancellable       *cancellable,
              OtaDemoSummary     *summary,
              GError            **error)
{
  g_autoptr(OtaProduct) added = ota_engine_add_product (engine, &product->spec, error);

  if (added == NULL)
    return FALSE;
  summary->products++;

  /* Before the firmwares, so that they are signed (R-P3). */
  if (product->secure_upgrade)
    {
      g_autoptr(OtaProduct) secured = ota_engine_set_secure_upgrade (engine, product->spec.key, TRUE, error);

      if (secured == NULL)
        return FALSE;
    }

  if (!add_devices (engine, product, n_devices, rand, cancellable, &summary->devices, error))
    return FALSE;

  for (guint f = 0; f < G_N_ELEMENTS (product->firmwares) && product->firmwares[f].file != NULL; f++)
    {
      if (!add_firmware (engine, product, &product->firmwares[f], dir, rand, cancellable, error))
        return FALSE;
      summary->firmwares++;
    }

  return TRUE;
}

gboolean
ota_demo_catalogue_fill (OtaEngine       *engine,
                         guint            n_devices,
                         guint32          seed,
                         GCancellable    *cancellable,
                         OtaDemoSummary  *summary,
                         GError         **error)
{
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(GRand) rand = NULL;
  g_autofree char *dir = NULL;
  OtaDemoSummary counts = { 0 };
  guint assigned = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (OTA_IS_ENGINE (engine), FALSE);

  if (n_devices > OTA_DEMO_MAX_DEVICES)
    {
      ota_error_set_field (error, OTA_ERROR_INVALID_FIELD, "devices",
                           _("The demo makes at most %u devices"), OTA_DEMO_MAX_DEVICES);
      return FALSE;
    }

  existing = ota_engine_list_products (engine, error);
  if (existing == NULL)
    return FALSE;
  if (existing->len > 0)
    {
      ota_error_set_field (error, OTA_ERROR_CONFLICT, "database",
                           _("The database %s already has products; the demo only fills an "
                             "empty database"),
                           ota_store_get_path (ota_engine_get_store (engine)));
      return FALSE;
    }

  dir = g_dir_make_tmp ("ota-demo-XXXXXX", error);
  if (dir == NULL)
    return FALSE;

  rand = g_rand_new_with_seed (seed);
  for (guint p = 0; ok && p < G_N_ELEMENTS (products); p++)
    {
      /* The last product takes what rounding left over. */
      guint share = p + 1 < G_N_ELEMENTS (products) ? (guint) ((guint64) n_devices * products[p].share / 100)
                                                    : n_devices - assigned;

      assigned += share;
      ok = fill_product (engine, &products[p], share, dir, rand, cancellable, &counts, error);
    }

  g_rmdir (dir);
  if (summary != NULL)
    *summary = counts;
  return ok;
}
