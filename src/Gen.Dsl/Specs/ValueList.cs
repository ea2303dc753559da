using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace Gen.Dsl;

/// <summary>An immutable list with value equality, so that specs holding lists compare by content.</summary>
/// <typeparam name="T">Element type.</typeparam>
public sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] items;

    /// <summary>Creates the list from a copy of <paramref name="items"/>.</summary>
    public ValueList(IEnumerable<T> items) => this.items = (items ?? throw new ArgumentNullException(nameof(items))).ToArray();

    /// <summary>The empty list.</summary>
    public static ValueList<T> Empty { get; } = new(Array.Empty<T>());

    /// <inheritdoc/>
    public int Count => items.Length;

    /// <inheritdoc/>
    public T this[int index] => items[index];

    /// <summary>A new list with <paramref name="item"/> appended.</summary>
    public ValueList<T> Add(T item) => new(items.Append(item));

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => items.GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(ValueList<T>? other) => other is not null && items.SequenceEqual(other.items);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ValueList<T>);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var item in items)
        {
            h.Add(item);
        }

        return h.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => "[" + string.Join(", ", items) + "]";
}
