// The Functions app on Flex Consumption, on the .NET 10 isolated worker (runtime dotnet-isolated): the package is
// what 'dotnet publish' of functions/KpiFunctions.App gives. It is read from a blob container with the app's own
// identity; every app setting arrives from main.bicep. Durable Functions keeps its task hub on AzureWebJobsStorage.

param appName string
param location string

@description('The storage account\'s blob endpoint (ends in /).')
param blobEndpoint string

@description('Container the deployment package goes to.')
param deploymentContainer string

param instanceMemoryMB int
param maximumInstanceCount int

@description('App settings, name to value (no secret literals: Key Vault references only).')
param appSettings object

@description('Tags of the app (azd finds the app to deploy to by its azd-service-name tag).')
param tags object

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${appName}-plan'
  location: location
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  kind: 'functionapp,linux'
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainer}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: appSettings
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output principalId string = site.identity.principalId
