using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace Gen.Dsl;

/// <summary>An immutable list with value equality, so that specs holding lists compare by content.</summary>
/// <typeparam name="T">Element type.</typeparam>
/// <remarks>
/// <see cref="Add"/> takes amortised constant time, so a spec built one step at a time (as a flow is, step by step,
/// when it is read from JSON) costs time linear in its length rather than quadratic. Lists made by appending share
/// one backing array with spare room: a list owns the slots up to its <see cref="Count"/>, and the first list to
/// append at a given length claims the next slot in place; any other list appending at that length (an older
/// version of the spec, extended again) copies. No list ever changes what it holds.
/// </remarks>
public sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] items;
    private readonly int count;

    // How many slots of the shared backing array lists have claimed; shared by every list over that array.
    private readonly Claimed claimed;

    /// <summary>Creates the list from a copy of <paramref name="items"/>.</summary>
    public ValueList(IEnumerable<T> items)
    {
        this.items = (items ?? throw new ArgumentNullException(nameof(items))).ToArray();
        count = this.items.Length;
        claimed = new Claimed(count);
    }

    private ValueList(T[] items, int count, Claimed claimed)
    {
        this.items = items;
        this.count = count;
        this.claimed = claimed;
    }

    /// <summary>The empty list.</summary>
    public static ValueList<T> Empty { get; } = new(Array.Empty<T>());

    /// <inheritdoc/>
    public int Count => count;

    /// <inheritdoc/>
    public T this[int index] => (uint)index < (uint)count ? items[index] : throw new ArgumentOutOfRangeException(nameof(index), index, $"The list has {count} items.");

    /// <summary>A new list with <paramref name="item"/> appended.</summary>
    public ValueList<T> Add(T item)
    {
        if (count < items.Length && Interlocked.CompareExchange(ref claimed.Count, count + 1, count) == count)
        {
            // The slot after this list is free and now ours; lists over this array never read past their own count.
            items[count] = item;
            return new ValueList<T>(items, count + 1, claimed);
        }

        var grown = new T[(int)Math.Min(Array.MaxLength, Math.Max(4L, (2L * count) + 1))];
        Array.Copy(items, grown, count);
        grown[count] = item;
        return new ValueList<T>(grown, count + 1, new Claimed(count + 1));
    }

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator()
    {
        for (int i = 0; i < count; i++)
        {
            yield return items[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(ValueList<T>? other) =>
        other is not null && count == other.count && items.AsSpan(0, count).SequenceEqual(other.items.AsSpan(0, other.count), EqualityComparer<T>.Default);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ValueList<T>);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        for (int i = 0; i < count; i++)
        {
            h.Add(items[i]);
        }

        return h.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => "[" + string.Join(", ", this) + "]";

    private sealed class Claimed(int count)
    {
        public int Count = count;
    }
}
