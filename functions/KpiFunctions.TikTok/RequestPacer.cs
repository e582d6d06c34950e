namespace KpiFunctions.TikTok;

/// <summary>
/// A token bucket of capacity one (requests spaced at least 1/rate apart) with a guard on what was really sent: at
/// most ⌊rate⌋ requests in any sliding second, counted at the moment each one leaves, so a late wake-up that bunches
/// requests together cannot push a second over the limit. A 429 slows the pacer down (and honours the server's
/// Retry-After); successes bring it back to full speed gradually.
/// </summary>
public sealed class RequestPacer
{
    private readonly object _gate = new();
    private readonly double _rate;
    private readonly TimeProvider _time;
    private readonly Queue<long> _sent = new();
    private readonly int _maxPerSecond;
    private long _nextTicks;
    private double _factor = 1.0;

    /// <summary>Creates a pacer of <paramref name="requestsPerSecond"/>.</summary>
    public RequestPacer(double requestsPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestsPerSecond);
        ArgumentNullException.ThrowIfNull(time);
        _rate = requestsPerSecond;
        _time = time;
        _maxPerSecond = Math.Max(1, (int)Math.Floor(requestsPerSecond));
    }

    /// <summary>The rate the pacer currently allows (below the configured one after 429s).</summary>
    public double CurrentRate
    {
        get
        {
            lock (_gate)
            {
                return _rate * _factor;
            }
        }
    }

    /// <summary>Reserves the next slot, waits for it, then waits until the last second holds room for one more request.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_gate)
        {
            var now = _time.GetUtcNow().UtcTicks;
            var slot = Math.Max(now, _nextTicks);
            _nextTicks = slot + (long)(TimeSpan.TicksPerSecond / (_rate * _factor));
            wait = TimeSpan.FromTicks(slot - now);
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            lock (_gate)
            {
                var now = _time.GetUtcNow().UtcTicks;
                while (_sent.Count > 0 && _sent.Peek() <= now - TimeSpan.TicksPerSecond)
                {
                    _sent.Dequeue();
                }

                if (_sent.Count < _maxPerSecond)
                {
                    _sent.Enqueue(now);
                    return;
                }

                wait = TimeSpan.FromTicks(_sent.Peek() + TimeSpan.TicksPerSecond - now + 1);
            }

            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The server said too many requests: slow to 80 % and pause for its hint, if it gave one.</summary>
    public void SlowDown(TimeSpan? retryAfter)
    {
        lock (_gate)
        {
            _factor = Math.Max(0.1, _factor * 0.8);
            if (retryAfter is { } hint && hint > TimeSpan.Zero)
            {
                _nextTicks = Math.Max(_nextTicks, _time.GetUtcNow().UtcTicks + hint.Ticks);
            }
        }
    }

    /// <summary>A request went through: recover 5 % of full speed.</summary>
    public void Succeeded()
    {
        lock (_gate)
        {
            _factor = Math.Min(1.0, _factor + 0.05);
        }
    }
}
