// The official Azure Storage JavaScript SDKs' side of the storage benchmark (bench/KpiFunctions.Bench storage).
// Each command warms up once (untimed), then times one run and prints {"ms": ...}.
//   node azure-bench.mjs blob-upload <connection> <container> <name> <MiB>
//     uploadData of <MiB> MiB of random bytes from memory as 4 MiB blocks (maxSingleShotSize 4 MiB, so it stages),
//     the SDK's default concurrency (5)
//   node azure-bench.mjs table-upsert <connection> <table> <count>
//     <count> entities (the shape bench/KpiFunctions.Bench/StorageBench.cs builds) upserted (replace) in
//     transactions of 100, one partition each, one transaction at a time
import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { TableClient } from '@azure/data-tables';

const [, , command, connection, ...args] = process.argv;
const MiB = 1024 * 1024;

if (command === 'blob-upload') {
  const [container, name, size] = args;
  const client = BlobServiceClient.fromConnectionString(connection).getContainerClient(container);
  await client.createIfNotExists();
  const options = { blockSize: 4 * MiB, maxSingleShotSize: 4 * MiB };
  await client.getBlockBlobClient(name + '-warm').uploadData(randomBytes(16 * MiB), options);
  const data = randomBytes(Number(size) * MiB);
  const start = process.hrtime.bigint();
  await client.getBlockBlobClient(name).uploadData(data, options);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  process.stdout.write(JSON.stringify({ ms }));
} else if (command === 'table-upsert') {
  const [table, count] = args;
  const warm = TableClient.fromConnectionString(connection, table + 'Warm', { allowInsecureConnection: true });
  await warm.createTable();
  await upsertAll(warm, entities(1000, 'warm'));
  const client = TableClient.fromConnectionString(connection, table, { allowInsecureConnection: true });
  await client.createTable();
  const all = entities(Number(count), 'run');
  const start = process.hrtime.bigint();
  await upsertAll(client, all);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  process.stdout.write(JSON.stringify({ ms }));
} else {
  process.stderr.write(`unknown command '${command}'\n`);
  process.exit(2);
}

// 20 partitions of count/20 rows; the same properties and types as the C# side builds.
function entities(count, prefix) {
  const list = [];
  for (let i = 0; i < count; i++) {
    list.push({
      partitionKey: `${prefix}-${String(i % 20).padStart(2, '0')}`,
      rowKey: String(i).padStart(6, '0'),
      StoreId: { value: `store-${i % 20}`, type: 'String' },
      Day: { value: new Date(Date.UTC(2026, 10, 1 + (i % 28))).toISOString(), type: 'DateTime' },
      Orders: { value: String(i % 977), type: 'Int32' },
      Units: { value: String(1000000000000 + i), type: 'Int64' },
      Gmv: { value: String(1234.5 + i), type: 'Double' },
      Conversion: { value: String(0.0125 + (i % 100) / 10000), type: 'Double' },
      Currency: { value: 'MYR', type: 'String' },
      Provisional: { value: String(i % 2 === 0), type: 'Boolean' },
    });
  }
  return list;
}

async function upsertAll(client, list) {
  const byPartition = new Map();
  for (const e of list) {
    if (!byPartition.has(e.partitionKey)) byPartition.set(e.partitionKey, []);
    byPartition.get(e.partitionKey).push(e);
  }
  for (const rows of byPartition.values()) {
    for (let i = 0; i < rows.length; i += 100) {
      await client.submitTransaction(rows.slice(i, i + 100).map((e) => ['upsert', e, 'Replace']));
    }
  }
}
