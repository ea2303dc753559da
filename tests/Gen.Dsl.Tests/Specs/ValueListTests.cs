using System;
using System.Linq;
using Xunit;

namespace Gen.Dsl.Tests.Specs;

/// <summary>
/// Appending shares storage between lists, but every list stays what it was: an older list extended again, or two
/// lists extended from the same one, neither sees the other's items; equality and hashing are by content.
/// </summary>
public sealed class ValueListTests
{
    [Fact]
    public void Lists_extended_from_the_same_list_do_not_see_each_others_items()
    {
        var root = ValueList<int>.Empty.Add(1).Add(2);
        var a = root.Add(3);
        var b = root.Add(4);
        var c = a.Add(5);
        var d = a.Add(6);
        Assert.Equal(new[] { 1, 2 }, root);
        Assert.Equal(new[] { 1, 2, 3 }, a);
        Assert.Equal(new[] { 1, 2, 4 }, b);
        Assert.Equal(new[] { 1, 2, 3, 5 }, c);
        Assert.Equal(new[] { 1, 2, 3, 6 }, d);
        Assert.Equal(2, root.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => root[2]);
    }

    [Fact]
    public void Equality_and_hashing_are_by_content_whatever_the_storage()
    {
        var appended = Enumerable.Range(0, 100).Aggregate(ValueList<int>.Empty, (list, i) => list.Add(i));
        var copied = new ValueList<int>(Enumerable.Range(0, 100));
        Assert.Equal(copied, appended);
        Assert.Equal(copied.GetHashCode(), appended.GetHashCode());
        Assert.NotEqual(copied, appended.Add(100));
        Assert.Equal(copied.ToString(), appended.ToString());
    }

    [Fact]
    public void Flows_branched_from_one_flow_are_independent_values()
    {
        var trunk = Flow.Over(Dist.StandardNormal(2)).Then(Bij.Affine());
        var left = trunk.Then(Bij.Reverse());
        var right = trunk.Then(Bij.Planar());
        Assert.Single(trunk.Steps);
        Assert.IsType<PermutationSpec>(left.Steps[1]);
        Assert.IsType<PlanarSpec>(right.Steps[1]);
        Assert.Equal(left, Flow.Over(Dist.StandardNormal(2)).Then(Bij.Affine()).Then(Bij.Reverse()));
        Assert.NotEqual(left, right);
    }
}
