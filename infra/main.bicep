// KpiFunctions in one resource group: the data and host storage account, the Functions app on Flex Consumption
// (custom handler), Application Insights on a Log Analytics workspace, a Key Vault for the secrets, and the roles
// the app's system-assigned identity needs. No account key, connection string or secret is set anywhere: the app
// reaches storage, Key Vault and Application Insights with its identity. Deploy: see infra/README.md.

targetScope = 'resourceGroup'

@description('Short name every resource name starts with: 3-11 lower-case letters and digits.')
@minLength(3)
@maxLength(11)
param name string

@description('Azure region (one that offers Flex Consumption).')
param location string = resourceGroup().location

@description('Memory of each instance of the app, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('When DailyRun starts the nightly run: NCRONTAB with seconds, UTC.')
param schedule string = '0 0 2 * * *'

@description('Where store data comes from.')
@allowed([
  'tiktok'
  'csv'
  'synthetic'
])
param source string = 'tiktok'

@description('TikTok Shop app key from Partner Center (an identifier, not a secret; the app secret goes into Key Vault).')
param tiktokAppKey string = ''

@description('Currency HQ compares stores in.')
param reportingCurrency string = 'USD'

@description('Days before yesterday the nightly run fetches again.')
@minValue(0)
@maxValue(30)
param lookbackDays int = 3

@description('Days after which raw pages move to the cool tier.')
@minValue(1)
param rawCoolAfterDays int = 30

@description('Days after which raw pages are deleted (the retention of the audit copy).')
@minValue(2)
param rawRetentionDays int = 365

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Turn on Key Vault purge protection (recommended in production; it cannot be turned off again).')
param keyVaultPurgeProtection bool = true

var suffix = take(uniqueString(resourceGroup().id, name), 6)
var storageAccountName = take('${name}st${suffix}', 24)
var functionAppName = '${name}-func-${suffix}'
var keyVaultName = '${name}-kv-${suffix}'

// What the app uses, created here (tests check these against the code): a container per top blob folder, plus the
// container the deployment package goes to; the tables. The Durable task hub (KpiHub, host.json) makes its own
// queues, tables and containers on the same account through AzureWebJobsStorage.
var dataContainers = [
  'raw'
  'curated'
  'quarantine'
  'inbox'
  'archive'
  'semantic'
  'reports'
]
var deploymentContainer = 'app-package'

// azd up deploys the app's package to the resource tagged with its service name in azure.yaml.
var appTags = {
  'azd-service-name': 'app'
}
var tables = [
  'KpiRuns'
  'KpiDaily'
  'KpiStores'
  'KpiTargets'
  'KpiFxRates'
  'KpiAlerts'
  'KpiAlertDeliveries'
  'KpiChanges'
]

// The secrets live in Key Vault under these names; the app settings refer to them.
var buyerSaltSecret = 'kpi-buyer-hash-salt'
var tiktokAppSecretSecret = 'tiktok-app-secret'

// Optional app settings: the app runs without them (a default applies, or they only matter off Azure). Add one to
// appSettings below to change it.
//   optional: KPI_STORAGE (a connection string: local runs and Azurite only; here the identity-based settings are used)
//   optional: KPI_STORAGE__blobServiceUri, KPI_STORAGE__serviceUri, KPI_STORAGE__tableServiceUri (endpoints other than the account's defaults)
//   optional: KPI_STORAGE__clientId (a user-assigned identity instead of the system-assigned one)
//   optional: KPI_DATA_DIR, KPI_TIKTOK_SECRETS_DIR (local folders; here tokens are in Key Vault)
//   optional: KPI_SEMANTIC_RETENTION_DAYS (7), KPI_ALERT_RETENTION_DAYS (400), KPI_BACKFILL_CHUNK_DAYS (31)
//   optional: KPI_ALERT_WEBHOOKS (<channel>:<format>,...; each URL in Key Vault as alert-webhook-<channel>, a signing secret as alert-webhook-<channel>-sign), KPI_ALERT_WEBHOOK_LEVEL (critical), KPI_REPORT_BASE_URL (unset: the report's relative path)
//   optional: KPI_POWERBI_WORKSPACE_ID, KPI_POWERBI_DATASET_ID (a Power BI model to refresh after each publish), KPI_POWERBI_API_URL (https://api.powerbi.com)
//   optional: KPI_FX_MAX_CARRY_DAYS (7), KPI_RESPONSE_WINDOWS (24 h everywhere), KPI_RECONCILE_TOLERANCE_PCT (0.5)
//   optional: KPI_MAX_ATTEMPTS (3), KPI_RETRY_FIRST_SECONDS (30), KPI_RETRY_BACKOFF (2) (a store's fetch retry policy)
//   optional: KPI_MAX_PARALLEL_STORES (kpi run only; the app is bounded by host.json's maxConcurrentActivityFunctions)
//   optional: KPI_TIKTOK_API_URL, KPI_TIKTOK_AUTH_URL (TikTok's production hosts), KPI_TIKTOK_SHOP_RPS (10), KPI_TIKTOK_APP_RPS (50), KPI_TIKTOK_LATE_CHANGE_DAYS (30), KPI_TIKTOK_FINANCE_LOOKBACK_DAYS (45)
//   optional: KPI_TIKTOK_ADS_APP_ID, KPI_TIKTOK_ADS_APP_SECRET (a Key Vault reference), KPI_TIKTOK_ADS_ADVERTISERS, KPI_TIKTOK_ADS_STORE_ADVERTISERS, KPI_TIKTOK_ADS_API_URL, KPI_TIKTOK_ADS_RPS (10) (ad spend from the TikTok Business API; unset: not fetched)
var appSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
  KPI_STORAGE__accountName: storageAccountName
  KPI_STORAGE__credential: 'managedidentity'
  KPI_SCHEDULE: schedule
  KPI_SOURCE: source
  KPI_REPORTING_CURRENCY: reportingCurrency
  KPI_LOOKBACK_DAYS: string(lookbackDays)
  KPI_KEYVAULT_URI: vault.outputs.uri
  KPI_BUYER_HASH_SALT: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${buyerSaltSecret})'
  KPI_TIKTOK_APP_KEY: tiktokAppKey
  KPI_TIKTOK_APP_SECRET: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${tiktokAppSecretSecret})'
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: name
    suffix: suffix
    location: location
    logRetentionDays: logRetentionDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    accountName: storageAccountName
    location: location
    containers: concat(dataContainers, [deploymentContainer])
    tables: tables
    rawCoolAfterDays: rawCoolAfterDays
    rawRetentionDays: rawRetentionDays
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    vaultName: keyVaultName
    location: location
    purgeProtection: keyVaultPurgeProtection
  }
}

module app 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    appName: functionAppName
    location: location
    blobEndpoint: storage.outputs.blobEndpoint
    deploymentContainer: deploymentContainer
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    appSettings: appSettings
    tags: appTags
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    principalId: app.outputs.principalId
    storageAccountName: storageAccountName
    keyVaultName: keyVaultName
    appInsightsName: monitoring.outputs.appInsightsName
  }
  // No dependsOn: the app's settings already wait for the storage account and the vault.
}

@description('The Functions app.')
output functionAppName string = app.outputs.name

@description('Its base URL.')
output functionAppUrl string = 'https://${app.outputs.defaultHostName}'

@description('POST here to start a run or a backfill, GET /{id} for its status (function key: az functionapp keys list).')
output runsApiUrl string = 'https://${app.outputs.defaultHostName}/api/runs'

@description('The storage account: containers raw, curated, quarantine, inbox, archive, semantic, reports.')
output storageAccountName string = storageAccountName

@description('Where finance and Power BI read the Parquet from.')
output blobEndpoint string = storage.outputs.blobEndpoint

@description('The Key Vault: set the secrets named in infra/README.md here.')
output keyVaultName string = keyVaultName

@description('The Key Vault URL.')
output keyVaultUri string = vault.outputs.uri

@description('Application Insights, for logs and failures.')
output appInsightsName string = monitoring.outputs.appInsightsName
