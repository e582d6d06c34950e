// The Key Vault for the TikTok app secret, the stores' tokens and the buyer-hash salt. Access is by Azure RBAC only
// (roles.bicep grants the app's identity Key Vault Secrets Officer: it reads the secrets and writes refreshed
// tokens). No secret is created here: operators set them (infra/README.md), so none passes through a deployment.

param vaultName string
param location string
param purgeProtection bool

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: purgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
