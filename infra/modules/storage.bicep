// The storage account the app keeps everything in (and the Functions host its own state): a container per blob
// folder, the tables (the Durable task hub creates its own queues, tables and containers at run time). Shared-key access is off: only Microsoft Entra ID identities get in, by
// role. Raw pages (the audit copy) move to the cool tier and are deleted after their retention.

@description('Storage account name (3-24 lower-case letters and digits).')
param accountName string
param location string

@description('Blob containers to create.')
param containers array

@description('Tables to create.')
param tables array

param rawCoolAfterDays int
param rawRetentionDays int

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: accountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for container in containers: {
  parent: blobService
  name: container
  properties: {
    publicAccess: 'None'
  }
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource storageTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for table in tables: {
  parent: tableService
  name: table
}]

// A prefix match starts with the container's name: 'raw/' is every blob in container raw.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          enabled: true
          name: 'raw-cool-then-delete'
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'raw/'
              ]
            }
            actions: {
              baseBlob: {
                tierToCool: {
                  daysAfterModificationGreaterThan: rawCoolAfterDays
                }
                // Never before the cool tier's 30-day minimum has passed (an earlier delete is charged as if it had).
                delete: {
                  daysAfterModificationGreaterThan: max(rawRetentionDays, rawCoolAfterDays + 30)
                }
              }
            }
          }
        }
      ]
    }
  }
}

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
