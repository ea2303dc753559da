using System;
using System.Linq;
using Gen.Runtime;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// The replay buffer of persistent contrastive divergence (Du and Mordatch 2019): the chains' last states, kept so that
/// each training step continues earlier chains instead of starting afresh. A draw takes each chain from the buffer, or,
/// with probability <see cref="FreshShare"/> (and while the buffer is still filling), from the uniform law on
/// [<see cref="Low"/>, <see cref="High"/>]^D, which keeps the chains exploring. The buffer holds at most
/// <see cref="Capacity"/> states; new ones replace random old ones once it is full.
/// </summary>
public sealed class ReplayBuffer : IDisposable
{
    private const string Node = "replay_buffer";
    private torch.Tensor? states;
    private long count;

    /// <summary>Creates an empty buffer for states of <paramref name="eventShape"/>.</summary>
    /// <param name="eventShape">The shape of one state.</param>
    /// <param name="capacity">The most states kept.</param>
    /// <param name="low">The fresh states' lower bound.</param>
    /// <param name="high">The fresh states' upper bound.</param>
    /// <param name="freshShare">The share of each draw that starts afresh, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public ReplayBuffer(long[] eventShape, long capacity = 10_000, double low = -1, double high = 1, double freshShare = 0.05)
    {
        ArgumentNullException.ThrowIfNull(eventShape);
        if (eventShape.Length == 0 || eventShape.Any(d => d < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(eventShape), Shape.Format(eventShape), $"{Node}: the event shape needs one or more positive sizes.");
        }

        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"{Node}: the capacity must be positive.");
        }

        if (!(low < high) || !double.IsFinite(low) || !double.IsFinite(high))
        {
            throw new ArgumentOutOfRangeException(nameof(high), high, $"{Node}: fresh states need a finite range low < high, got [{low}, {high}].");
        }

        if (!(freshShare >= 0 && freshShare <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(freshShare), freshShare, $"{Node}: the fresh share must lie in [0, 1].");
        }

        EventShape = (long[])eventShape.Clone();
        Capacity = capacity;
        Low = low;
        High = high;
        FreshShare = freshShare;
    }

    /// <summary>The shape of one state.</summary>
    public long[] EventShape { get; }

    /// <summary>The most states kept.</summary>
    public long Capacity { get; }

    /// <summary>The fresh states' lower bound.</summary>
    public double Low { get; }

    /// <summary>The fresh states' upper bound.</summary>
    public double High { get; }

    /// <summary>The share of each draw that starts afresh.</summary>
    public double FreshShare { get; }

    /// <summary>The number of states held.</summary>
    public long Count => count;

    /// <summary>Starting states for <paramref name="chains"/> chains [chains, ...event], from the buffer or afresh.</summary>
    /// <param name="chains">How many.</param>
    /// <param name="dtype">Their dtype.</param>
    /// <param name="device">Their device.</param>
    /// <param name="generator">A seeded generator; the device's global generator when null.</param>
    public torch.Tensor Draw(long chains, torch.ScalarType dtype, torch.Device device, torch.Generator? generator = null)
    {
        ModelInput.CheckCount(chains, Node);
        var shape = new[] { chains }.Concat(EventShape).ToArray();
        var fresh = (DeviceRandom.Uniform(shape, dtype, device, generator) * (High - Low)) + Low;
        if (states is null || count == 0)
        {
            return fresh;
        }

        using var scope = torch.NewDisposeScope();
        var index = DeviceRandom.Integers(count, new[] { chains }, device, generator);
        var old = states.to(device).index_select(0, index).to_type(dtype);
        var keep = DeviceRandom.Uniform(new[] { chains }, torch.float64, device, generator).ge(FreshShare)
            .reshape(new[] { chains }.Concat(EventShape.Select(_ => 1L)).ToArray());
        return torch.where(keep, old, fresh).MoveToOuterDisposeScope();
    }

    /// <summary>Keeps <paramref name="samples"/> [n, ...event] (detached): appended while there is room, then in place of random old states.</summary>
    /// <param name="samples">The chains' last states.</param>
    /// <param name="generator">A seeded generator for the places replaced; the device's global generator when null.</param>
    /// <exception cref="GenShapeException">The samples do not have the buffer's event shape.</exception>
    public void Push(torch.Tensor samples, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.dim() != EventShape.Length + 1 || !samples.shape.AsSpan(1).SequenceEqual(EventShape))
        {
            throw new GenShapeException(Node, $"expects states [n, {string.Join(", ", EventShape)}], got a tensor of shape {Shape.Format(samples.shape)}.");
        }

        using var noGrad = torch.no_grad();
        var values = samples.detach();
        if (states is null)
        {
            states = torch.empty(new[] { Capacity }.Concat(EventShape).ToArray(), dtype: values.dtype, device: values.device);
            states.DetachFromDisposeScope();
        }

        using var scope = torch.NewDisposeScope();
        long n = values.shape[0];
        long room = Math.Min(n, Capacity - count);
        if (room > 0)
        {
            states.narrow(0, count, room).copy_(values.narrow(0, 0, room));
            count += room;
        }

        if (n > room)
        {
            var rest = values.narrow(0, room, n - room);
            var places = DeviceRandom.Integers(Capacity, new[] { rest.shape[0] }, values.device, generator);
            states.index_copy_(0, places, rest.to_type(states.dtype));
        }
    }

    /// <summary>Frees the states.</summary>
    public void Dispose()
    {
        states?.Dispose();
        states = null;
        count = 0;
    }
}
