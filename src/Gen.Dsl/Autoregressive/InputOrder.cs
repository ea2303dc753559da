using System;
using System.Linq;

namespace Gen.Dsl;

/// <summary>
/// The order in which an autoregressive model visits the features: position p holds feature <c>order[p]</c>, and
/// the conditional at each position reads only the features at earlier positions.
/// </summary>
public sealed record InputOrder
{
    private readonly OrderKind kind;
    private readonly int seed;
    private readonly ValueList<int> given;

    private InputOrder(OrderKind kind, int seed, ValueList<int> given)
    {
        this.kind = kind;
        this.seed = seed;
        this.given = given;
    }

    private enum OrderKind
    {
        Natural,
        Reversed,
        Random,
        Given,
    }

    /// <summary>Features 0, 1, …, D−1.</summary>
    public static InputOrder Natural { get; } = new(OrderKind.Natural, 0, ValueList<int>.Empty);

    /// <summary>Features D−1, …, 1, 0.</summary>
    public static InputOrder Reversed { get; } = new(OrderKind.Reversed, 0, ValueList<int>.Empty);

    /// <summary>
    /// A random order drawn from <paramref name="seed"/>. Models trained with several masks draw a new order for each
    /// mask (order-agnostic training); the first mask uses this seed's order.
    /// </summary>
    public static InputOrder Random(int seed) => new(OrderKind.Random, seed, ValueList<int>.Empty);

    /// <summary>The given order: position p holds feature <paramref name="order"/>[p].</summary>
    /// <exception cref="ArgumentException"><paramref name="order"/> is not a permutation of 0..n−1.</exception>
    public static InputOrder Given(params int[] order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Length == 0 || !order.OrderBy(i => i).SequenceEqual(Enumerable.Range(0, order.Length)))
        {
            throw new ArgumentException($"[{string.Join(", ", order)}] is not a permutation of 0..{order.Length - 1}.", nameof(order));
        }

        return new(OrderKind.Given, 0, new ValueList<int>(order));
    }

    /// <summary>True when each mask of an order-agnostic model gets its own order.</summary>
    public bool IsRandom => kind == OrderKind.Random;

    /// <summary>The order for <paramref name="features"/> features: position p holds feature <c>result[p]</c>.</summary>
    /// <exception cref="GenShapeException">A given order has another length.</exception>
    public long[] For(long features) => Resolve(features, 0, "order");

    /// <inheritdoc/>
    public override string ToString() => kind switch
    {
        OrderKind.Random => $"random(seed: {seed})",
        OrderKind.Given => $"given({given})",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Calls the function for this order's kind with its data (for the JSON form, which must not depend on <see cref="ToString"/>).</summary>
    internal T Match<T>(Func<T> natural, Func<T> reversed, Func<int, T> random, Func<ValueList<int>, T> givenOrder) => kind switch
    {
        OrderKind.Natural => natural(),
        OrderKind.Reversed => reversed(),
        OrderKind.Random => random(seed),
        _ => givenOrder(given),
    };

    /// <summary>Checks that the order fits <paramref name="features"/> features.</summary>
    internal void Check(string path, long features)
    {
        if (kind == OrderKind.Given && given.Count != features)
        {
            throw new GenShapeException(path, $"the given order {given} has {given.Count} features, but the model has {features}.");
        }
    }

    /// <summary>The order of mask number <paramref name="draw"/> (only random orders differ between draws).</summary>
    internal long[] Resolve(long features, int draw, string path)
    {
        Check(path, features);
        var natural = Enumerable.Range(0, (int)features).Select(i => (long)i);
        switch (kind)
        {
            case OrderKind.Natural:
                return natural.ToArray();
            case OrderKind.Reversed:
                return natural.Reverse().ToArray();
            case OrderKind.Given:
                return given.Select(i => (long)i).ToArray();
            default:
                var order = natural.ToArray();
                var rng = new System.Random(DrawSeed.Mix(seed, draw));
                for (int i = order.Length - 1; i > 0; i--)
                {
                    int j = rng.Next(i + 1);
                    (order[i], order[j]) = (order[j], order[i]);
                }

                return order;
        }
    }
}
