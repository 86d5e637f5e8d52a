// studybot on Azure: Container Apps (scaled on HTTP), PostgreSQL flexible server, Key Vault
// secrets referenced by the app through a user-assigned managed identity, Log Analytics, and
// the Azure Bot with its Microsoft Teams channel.
// Deploy: az deployment group create -g <resource-group> -f deploy/azure/main.bicep \
//           -p deploy/azure/main.parameters.json
// The secrets are put into the Key Vault before the first deployment (docs/deploy.md); this
// template only references them by name and never holds a value.

targetScope = 'resourceGroup'

@description('Short name used to derive every resource name (lowercase letters and digits).')
@minLength(3)
@maxLength(12)
param name string = 'studybot'

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('The studybot container image, pinned by digest (registry/repository@sha256:...).')
param image string

@description('Name of an existing Key Vault that holds the secrets (see docs/deploy.md).')
param keyVaultName string

@description('Microsoft App ID of the bot: the client id of the managed identity below when appType is UserAssignedMSI, else the Entra app registration.')
param botAppId string

@description('Tenant (directory) id of the bot.')
param tenantId string = subscription().tenantId

@description('Container Apps sizing: CPU cores and memory per replica.')
param cpu string = '0.5'
param memory string = '1Gi'

@description('Replica range; HTTP scaling adds a replica per concurrentRequests in flight.')
@minValue(1)
param minReplicas int = 2
@maxValue(30)
param maxReplicas int = 10
param concurrentRequests int = 50

@description('PostgreSQL flexible server sizing.')
param postgresSku string = 'Standard_B1ms'
@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param postgresTier string = 'Burstable'
param postgresStorageGb int = 32
param postgresVersion string = '16'

@description('Entra ID group (object id and name) that administers PostgreSQL.')
param postgresAdminObjectId string
param postgresAdminName string

@description('Login of the server\'s password administrator (creates the studybot role).')
param postgresAdminLogin string = 'pgadmin'

@description('Its password: passed as a Key Vault reference in the parameters file, never inline.')
@secure()
param postgresAdminPassword string

@description('Log retention in days.')
param logRetentionDays int = 30

var suffix = uniqueString(resourceGroup().id, name)

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs-${suffix}'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: logRetentionDays
  }
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id-${suffix}'
  location: location
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

// "Key Vault Secrets User": the app's identity may read secret values, nothing else.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, 'secrets-user')
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: '${name}-pg-${suffix}'
  location: location
  sku: {
    name: postgresSku
    tier: postgresTier
  }
  properties: {
    version: postgresVersion
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    storage: { storageSizeGB: postgresStorageGb, autoGrow: 'Enabled' }
    backup: { backupRetentionDays: 14, geoRedundantBackup: 'Disabled' }
    highAvailability: { mode: 'Disabled' }
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Enabled' // studybot signs in as its own role with a password from Key Vault
      tenantId: tenantId
    }
  }
}

resource postgresAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: postgres
  name: postgresAdminObjectId
  properties: {
    principalName: postgresAdminName
    principalType: 'Group'
    tenantId: tenantId
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: 'studybot'
}

resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: postgres
  name: 'require_secure_transport'
  properties: { value: 'on', source: 'user-override' }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${name}-env-${suffix}'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

var secretUrl = '${vault.properties.vaultUri}secrets'

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${name}-app'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Multiple' // a new revision takes traffic only when moved to it
      ingress: {
        external: true
        targetPort: 8000
        transport: 'http'
        allowInsecure: false
      }
      // Key Vault references: the platform fetches each value with the managed identity
      secrets: [
        { name: 'database-url', keyVaultUrl: '${secretUrl}/database-url', identity: identity.id }
        { name: 'web-secret', keyVaultUrl: '${secretUrl}/web-secret', identity: identity.id }
      ]
    }
    template: {
      containers: [
        {
          name: 'studybot'
          image: image
          resources: { cpu: json(cpu), memory: memory }
          env: [
            { name: 'STUDYBOT_PLAYGROUND', value: 'off' }
            { name: 'STUDYBOT_HOST', value: '0.0.0.0' }
            { name: 'STUDYBOT_PORT', value: '8000' }
            { name: 'STUDYBOT_PUBLIC_URL', value: 'https://${name}-app.${environment.properties.defaultDomain}' }
            // checkov:skip=CKV_SECRET_6: 'database-url' is the name of a Container Apps secret (a Key Vault reference above), not a value
            { name: 'STUDYBOT_DATABASE_URL', secretRef: 'database-url' }
            { name: 'STUDYBOT_WEB_SECRET', secretRef: 'web-secret' }
            { name: 'STUDYBOT_TEAMS', value: 'on' }
            { name: 'STUDYBOT_TEAMS_APP_TYPE', value: 'UserAssignedMSI' }
            { name: 'STUDYBOT_TEAMS_APP_ID', value: botAppId }
            { name: 'STUDYBOT_TEAMS_TENANT_ID', value: tenantId }
            { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
          ]
          probes: [
            { type: 'Liveness', httpGet: { path: '/livez', port: 8000 }, periodSeconds: 10 }
            { type: 'Readiness', httpGet: { path: '/readyz', port: 8000 }, periodSeconds: 5 }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          { name: 'http', http: { metadata: { concurrentRequests: string(concurrentRequests) } } }
        ]
      }
    }
  }
  dependsOn: [secretsUser]
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${name}-bot-${suffix}'
  location: 'global'
  kind: 'azurebot'
  sku: { name: 'S1' }
  properties: {
    displayName: name
    endpoint: 'https://${app.properties.configuration.ingress.fqdn}/api/messages'
    msaAppId: botAppId
    msaAppType: 'UserAssignedMSI'
    msaAppMSIResourceId: identity.id
    msaAppTenantId: tenantId
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}

@description('Messaging endpoint of the Azure Bot (Teams sends activities here).')
output messagingEndpoint string = bot.properties.endpoint

@description('Where managers open the dashboard (they sign in with a link from the bot).')
output dashboardUrl string = 'https://${app.properties.configuration.ingress.fqdn}/dashboard'

@description('Client id of the managed identity (the bot app id for UserAssignedMSI).')
output identityClientId string = identity.properties.clientId
