// Application Insights on a Log Analytics workspace. Local authentication is off: the app sends telemetry with its
// identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING, and the Monitoring Metrics Publisher role in roles.bicep).

param name string
param suffix string
param location string
param logRetentionDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-log-${suffix}'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-appi-${suffix}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

output appInsightsName string = insights.name

// Not a secret: the connection string names the resource; with local auth off, only identities can send to it.
output connectionString string = insights.properties.ConnectionString
