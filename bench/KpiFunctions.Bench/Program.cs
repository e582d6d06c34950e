using KpiFunctions.Bench;

if (args is ["tiktok", ..])
{
    await TikTokBench.RunAsync(args[1..]);
    return;
}

if (args is ["storage", ..])
{
    await StorageBench.RunAsync(args[1..]);
    return;
}

if (args is ["scale", ..])
{
    await ScaleBench.RunAsync(args[1..]);
    return;
}

if (args is ["compute", ..])
{
    await ComputeBench.RunAsync(args[1..]);
    return;
}

if (args is ["curated", ..])
{
    await CuratedBench.RunAsync(args[1..]);
    return;
}

await ParquetBench.RunAsync(args);
