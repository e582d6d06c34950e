namespace KpiFunctions.Bench;

/// <summary>Samples the managed heap every few milliseconds and keeps the peak above the starting level.</summary>
internal sealed class PeakSampler(bool collect)
{
    private long _baseline;
    private long _peak;
    private volatile bool _running;
    private Thread? _thread;

    public long PeakAboveBaseline => Math.Max(0, _peak - _baseline);

    public void Start()
    {
        _baseline = GC.GetTotalMemory(collect);
        _peak = _baseline;
        _running = true;
        _thread = new Thread(() =>
        {
            while (_running)
            {
                _peak = Math.Max(_peak, GC.GetTotalMemory(collect));
                Thread.Sleep(collect ? 50 : 5);
            }
        })
        { IsBackground = true };
        _thread.Start();
    }

    public void Stop()
    {
        _running = false;
        _thread?.Join();
    }
}
