using System;
using System.Text.Json.Nodes;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// One kind of whole model as checkpoints see it: the spec type and its JSON form, the compiled model type, how to get
/// the spec back from a model, and any state of a model that is neither in its spec nor in its weights.
/// </summary>
internal sealed class ModelFamily
{
    private readonly Func<torch.nn.Module, IModelSpec<torch.nn.Module>> specOf;
    private readonly Func<NodeKinds<IModelSpec<torch.nn.Module>>, NodeKinds<IModelSpec<torch.nn.Module>>> register;
    private readonly Action<torch.nn.Module, JsonObject> writeState;
    private readonly Action<torch.nn.Module, JsonFields> readState;
    private readonly Action<IModelSpec<torch.nn.Module>, SpecBudget> measure;

    private ModelFamily(
        string name,
        Type specType,
        Type modelType,
        Func<torch.nn.Module, IModelSpec<torch.nn.Module>> specOf,
        Func<NodeKinds<IModelSpec<torch.nn.Module>>, NodeKinds<IModelSpec<torch.nn.Module>>> register,
        Action<torch.nn.Module, JsonObject> writeState,
        Action<torch.nn.Module, JsonFields> readState,
        Action<IModelSpec<torch.nn.Module>, SpecBudget> measure)
    {
        this.register = register;
        this.measure = measure;
        Name = name;
        SpecType = specType;
        ModelType = modelType;
        this.specOf = specOf;
        this.writeState = writeState;
        this.readState = readState;
    }

    /// <summary>The stable type name of the spec in documents.</summary>
    public string Name { get; }

    /// <summary>The spec's type.</summary>
    public Type SpecType { get; }

    /// <summary>The compiled model's type.</summary>
    public Type ModelType { get; }

    /// <summary>A family whose model's state is all in its spec and weights.</summary>
    /// <param name="name">The stable type name of the spec in documents.</param>
    /// <param name="codec">The spec's JSON form.</param>
    /// <param name="specOf">The spec a model was compiled from.</param>
    /// <param name="legacy">An older form still read, and still written for the specs it describes; null for none.</param>
    public static ModelFamily Of<TSpec, TModel>(string name, NodeCodec<TSpec> codec, Func<TModel, TSpec> specOf, LegacyForm<TSpec>? legacy = null)
        where TSpec : class, IModelSpec<TModel>, ISizedSpec
        where TModel : torch.nn.Module =>
        Of(name, codec, specOf, (_, _) => { }, (_, _) => { }, legacy);

    /// <summary>An older JSON form of a family's specs, under its own type name.</summary>
    /// <param name="Name">The older form's type name.</param>
    /// <param name="Codec">The older form.</param>
    /// <param name="Describes">Whether a spec is described by the older form, and so still written in it.</param>
    public sealed record LegacyForm<TSpec>(string Name, NodeCodec<TSpec> Codec, Func<TSpec, bool> Describes);

    /// <summary>A family whose models also carry state outside their spec and weights (written under <c>"state"</c>).</summary>
    /// <param name="name">The stable type name of the spec in documents.</param>
    /// <param name="codec">The spec's JSON form.</param>
    /// <param name="specOf">The spec a model was compiled from.</param>
    /// <param name="writeState">Adds the model's extra state to an object.</param>
    /// <param name="readState">Restores that state into a freshly loaded model.</param>
    /// <param name="legacy">An older form still read, and still written for the specs it describes; null for none.</param>
    public static ModelFamily Of<TSpec, TModel>(
        string name, NodeCodec<TSpec> codec, Func<TModel, TSpec> specOf, Action<TModel, JsonObject> writeState, Action<TModel, JsonFields> readState, LegacyForm<TSpec>? legacy = null)
        where TSpec : class, IModelSpec<TModel>, ISizedSpec
        where TModel : torch.nn.Module =>
        new(
            name,
            typeof(TSpec),
            typeof(TModel),
            m => specOf((TModel)m),
            kinds => legacy is null
                ? kinds.Add<TSpec>(name, codec.WriteFields, codec.ReadFields)
                : kinds.Legacy<TSpec>(legacy.Name, legacy.Codec.WriteFields, legacy.Codec.ReadFields)
                    .Add<TSpec>(name, codec.WriteFields, codec.ReadFields, s => legacy.Describes(s) ? legacy.Name : null),
            (m, o) => writeState((TModel)m, o),
            (m, f) => readState((TModel)m, f),
            (s, budget) => ((TSpec)s).Measure(budget));

    /// <summary>Counts the size of <paramref name="spec"/> (of this family) into <paramref name="budget"/>, without building it.</summary>
    public void Measure(IModelSpec<torch.nn.Module> spec, SpecBudget budget) => measure(spec, budget);

    /// <summary>The spec <paramref name="model"/> was compiled from.</summary>
    public IModelSpec<torch.nn.Module> SpecOf(torch.nn.Module model) => specOf(model);

    /// <summary>Adds the spec's JSON form to <paramref name="kinds"/>.</summary>
    public NodeKinds<IModelSpec<torch.nn.Module>> RegisterIn(NodeKinds<IModelSpec<torch.nn.Module>> kinds) => register(kinds);

    /// <summary>The model's state outside its spec and weights, as an object (empty for most families).</summary>
    public JsonObject WriteState(torch.nn.Module model)
    {
        var o = new JsonObject();
        writeState(model, o);
        return o;
    }

    /// <summary>Restores the state written by <see cref="WriteState"/> into a model compiled from the same spec.</summary>
    public void ReadState(torch.nn.Module model, JsonFields state)
    {
        try
        {
            readState(model, state);
        }
        catch (ArgumentException e)
        {
            throw JsonFields.Invalid(state.Path, e.Message, e);
        }

        state.RejectOthers($"the state of a {Name} model");
    }
}
