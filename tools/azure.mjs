// The official Azure Storage JavaScript SDKs, for cross-checking our REST clients against Azurite.
//   node azure.mjs blob-get <connection> <container> <name>                -> {"base64": ...}
//   node azure.mjs blob-put <connection> <container> <name> <base64 file> [content-md5 base64]  -> {}
//     (the optional MD5 is stored as the blob's Content-MD5 as given, to test that readers check it)
//   node azure.mjs account-sas <connection> <permissions>                 -> {"sas": ...} (blob and table, one hour)
//   node azure.mjs table-get <connection> <table> <pk> <rk>                -> {"entity": {prop: {value, type}}} (no type conversion)
//   node azure.mjs table-put <connection> <table> <json file>              -> {} (json: {partitionKey, rowKey, prop: value or {value, type}})
//   node azure.mjs queue-send <connection> <queue> <text>                  -> {} (the text as given: the SDK does not encode it)
//   node azure.mjs queue-peek <connection> <queue>                         -> {"messages": [text as stored, ...]}
import { readFileSync } from 'node:fs';
import { AccountSASPermissions, AccountSASResourceTypes, AccountSASServices, BlobServiceClient, generateAccountSASQueryParameters } from '@azure/storage-blob';
import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';

const [, , command, connection, ...args] = process.argv;

if (command === 'blob-get') {
  const [container, name] = args;
  const blob = BlobServiceClient.fromConnectionString(connection).getContainerClient(container).getBlobClient(name);
  const buffer = await blob.downloadToBuffer();
  process.stdout.write(JSON.stringify({ base64: buffer.toString('base64') }));
} else if (command === 'blob-put') {
  const [container, name, file, md5] = args;
  const client = BlobServiceClient.fromConnectionString(connection).getContainerClient(container);
  await client.createIfNotExists();
  const data = Buffer.from(readFileSync(file, 'utf8'), 'base64');
  const blobHTTPHeaders = md5 ? { blobContentMD5: Buffer.from(md5, 'base64') } : undefined;
  await client.getBlockBlobClient(name).uploadData(data, { blockSize: 4 * 1024 * 1024, maxSingleShotSize: 4 * 1024 * 1024, blobHTTPHeaders });
  process.stdout.write('{}');
} else if (command === 'account-sas') {
  const [permissions] = args;
  const credential = BlobServiceClient.fromConnectionString(connection).credential;
  const sas = generateAccountSASQueryParameters({
    services: AccountSASServices.parse('bt').toString(),
    resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
    permissions: AccountSASPermissions.parse(permissions),
    expiresOn: new Date(Date.now() + 3600 * 1000),
  }, credential).toString();
  process.stdout.write(JSON.stringify({ sas }));
} else if (command === 'table-get') {
  const [table, pk, rk] = args;
  const client = TableClient.fromConnectionString(connection, table, { allowInsecureConnection: true });
  const entity = await client.getEntity(pk, rk, { disableTypeConversion: true });
  process.stdout.write(JSON.stringify({ entity }));
} else if (command === 'table-put') {
  const [table, file] = args;
  const client = TableClient.fromConnectionString(connection, table, { allowInsecureConnection: true });
  await client.createTable(); // succeeds when the table already exists
  await client.upsertEntity(JSON.parse(readFileSync(file, 'utf8')), 'Replace');
  process.stdout.write('{}');
} else if (command === 'queue-send') {
  const [queue, text] = args;
  await QueueServiceClient.fromConnectionString(connection).getQueueClient(queue).sendMessage(text);
  process.stdout.write('{}');
} else if (command === 'queue-peek') {
  const [queue] = args;
  const peeked = await QueueServiceClient.fromConnectionString(connection).getQueueClient(queue).peekMessages({ numberOfMessages: 32 });
  process.stdout.write(JSON.stringify({ messages: peeked.peekedMessageItems.map(m => m.messageText) }));
} else {
  process.stderr.write(`unknown command '${command}'\n`);
  process.exit(2);
}
