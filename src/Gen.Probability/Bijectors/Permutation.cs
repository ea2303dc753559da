using System;
using System.Linq;
using TorchSharp;

namespace Gen.Probability.Bijectors;

/// <summary>Permutes the features (last dimension) of a vector event; volume-preserving, so log|det J| = 0.</summary>
public sealed class Permutation : IBijector
{
    private readonly long[] order;
    private readonly long[] inverseOrder;
    private readonly bool reversal;
    private readonly object gate = new();
    private (torch.Device Device, torch.Tensor Order, torch.Tensor Inverse)? indices;
    private torch.Tensor? zero;

    /// <summary>Creates the permutation y[i] = x[order[i]].</summary>
    /// <exception cref="ArgumentException"><paramref name="order"/> is not a permutation of 0..n−1.</exception>
    public Permutation(long[] order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (!order.OrderBy(i => i).SequenceEqual(Enumerable.Range(0, order.Length).Select(i => (long)i)))
        {
            throw new ArgumentException($"[{string.Join(", ", order)}] is not a permutation of 0..{order.Length - 1}.", nameof(order));
        }

        this.order = (long[])order.Clone();
        inverseOrder = new long[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            inverseOrder[order[i]] = i;
        }

        reversal = order.Select((o, i) => o == order.Length - 1 - i).All(b => b);
    }

    /// <summary>Reverses the order of n features.</summary>
    public static Permutation Reverse(int features) => new(Enumerable.Range(0, features).Reverse().Select(i => (long)i).ToArray());

    /// <summary>A random permutation of n features from a seed.</summary>
    public static Permutation Random(int features, int seed)
    {
        var rng = new Random(seed);
        return new(Enumerable.Range(0, features).Select(i => (long)i).OrderBy(_ => rng.Next()).ToArray());
    }

    /// <summary>The order: y[i] = x[Order[i]].</summary>
    public long[] Order => (long[])order.Clone();

    /// <inheritdoc/>
    public int EventRank => 1;

    /// <inheritdoc/>
    public bool IsVolumePreserving => true;

    /// <inheritdoc/>
    public Transformed ForwardAndLogDet(torch.Tensor x) => Apply(x, inverse: false);

    /// <inheritdoc/>
    public Transformed InverseAndLogDet(torch.Tensor y) => Apply(y, inverse: true);

    private Transformed Apply(torch.Tensor x, bool inverse)
    {
        var shape = x.shape;
        if (shape.Length < 1 || shape[^1] != order.Length)
        {
            throw new GenShapeException("permutation", $"permutes {order.Length} features, got a tensor of shape {Shape.Format(shape)}.");
        }

        using var scope = torch.NewDisposeScope();
        // A reversal (its own inverse) is a flip: no index tensor, and a backward of one kernel where index_select's
        // scatters into a zeroed buffer (two).
        var y = reversal ? x.flip(-1) : x.index_select(-1, IndexOn(x.device, inverse));
        var ld = ZeroOn(x).expand(shape[..^1]); // a view: no kernel, no memory
        return new Transformed(y.MoveToOuterDisposeScope(), ld.MoveToOuterDisposeScope());
    }

    // The index tensors are made once per device and kept: copying them from host memory on every call would
    // synchronise a GPU stream each time the bijector runs.
    private torch.Tensor IndexOn(torch.Device device, bool inverse)
    {
        lock (gate)
        {
            if (indices is not { } cached || cached.Device.type != device.type || cached.Device.index != device.index)
            {
                cached = (device, Keep(torch.tensor(order, device: device)), Keep(torch.tensor(inverseOrder, device: device)));
                indices = cached;
            }

            return inverse ? cached.Inverse : cached.Order;
        }
    }

    private torch.Tensor ZeroOn(torch.Tensor like)
    {
        lock (gate)
        {
            if (zero is not { } z || z.device_type != like.device_type || z.device_index != like.device_index || z.dtype != like.dtype)
            {
                zero?.Dispose();
                z = Keep(torch.zeros(Array.Empty<long>(), dtype: like.dtype, device: like.device));
                zero = z;
            }

            return z;
        }
    }

    private static torch.Tensor Keep(torch.Tensor t)
    {
        t.DetachFromDisposeScope();
        return t;
    }
}
