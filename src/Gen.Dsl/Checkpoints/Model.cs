using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using Gen.Optimization;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// Saving and loading compiled models. A checkpoint is one file holding the model's spec (as JSON, see
/// <see cref="SpecJson"/>), its weights and, optionally, the state of its optimizer (a <see cref="FusedAdam"/>, or any
/// <see cref="IStepOptimizer"/> that saves its state, such as a <see cref="TorchOptimizer"/>), with checksums; loading rebuilds the model from the spec, so it needs no code from the user.
/// </summary>
/// <remarks>
/// Saving replaces the file atomically (a temporary file in the same folder, flushed to the disk, then renamed), so a
/// failure or crash during a save leaves the previous checkpoint intact; a save also removes the temporary files
/// that killed saves of the same file left behind. Files stream to and from the disk a piece at a time, so their
/// size is not bounded by memory or by 2 GB. Loading verifies the file before it builds anything, sizes the spec
/// against <see cref="SpecLimits"/> and against the weights, and fails with a <see cref="GenCheckpointException"/>
/// naming the file, whose <see cref="GenCheckpointException.Error"/> says what is wrong: unreadable or not a regular
/// file, not a checkpoint, truncated, corrupted, of a newer format version, an invalid spec, a spec past a limit, or
/// weights that do not fit the spec.
/// </remarks>
public static class Model
{
    // Values a spec may hold beyond twice the file's and still be built to compare tensor by tensor (a few megabytes).
    private const long SmallModelValues = 1 << 20;

    private static readonly Dictionary<torch.ScalarType, string> DtypeNames = new()
    {
        [torch.ScalarType.Float32] = "float32",
        [torch.ScalarType.Float64] = "float64",
        [torch.ScalarType.Float16] = "float16",
        [torch.ScalarType.BFloat16] = "bfloat16",
    };

    /// <summary>
    /// Saves <paramref name="model"/> (a module compiled from a spec: <see cref="FlowModel"/> (over any event shape), <see cref="MadeModel"/>,
    /// <see cref="NadeModel"/>, <see cref="FvsbnModel"/>, <see cref="PixelCnnModel"/>, <see cref="GatedPixelCnnModel"/> or
    /// <see cref="VaeModel"/>) to <paramref name="path"/>, replacing any file there, with <paramref name="optimizer"/>'s
    /// state when one is given.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="model">The model, on any device.</param>
    /// <param name="optimizer">An optimizer over (some of) the model's parameters, or null. A <see cref="FusedAdam"/> is
    /// saved in Gen's own format (<see cref="LoadOptimizer"/> reads it); another optimizer whose
    /// <see cref="IStepOptimizer.StateFormat"/> is not null in its own, named in the document
    /// (<see cref="LoadOptimizerState"/> reads it); one that cannot save its state leaves none.</param>
    /// <exception cref="ArgumentException">The module is not a model compiled from a spec, or the optimizer trains a tensor that is not one of its parameters.</exception>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/> and the cause, and any previous file is unchanged.</exception>
    public static void Save(string path, torch.nn.Module model, IStepOptimizer? optimizer = null) => Write(path, model, optimizer, wrap: null);

    /// <summary>Loads the model saved in <paramref name="path"/> onto <paramref name="device"/>, in the dtype it was saved in.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="limits">How large the saved spec may be (checked before anything is built); <see cref="SpecLimits.Default"/> when null.</param>
    /// <returns>The model, such as a <see cref="FlowModel"/>; <see cref="Load{TModel}"/> gives it its type.</returns>
    /// <exception cref="GenCheckpointException">The file cannot be read or is not a regular file, is not a checkpoint, is truncated or corrupted, is of a newer format, its spec or weights are invalid, or its spec passes a limit (<see cref="CheckpointError.LimitExceeded"/>). The message names the file.</exception>
    public static torch.nn.Module Load(string path, torch.Device device, SpecLimits? limits = null) => Load<torch.nn.Module>(path, device, limits);

    /// <summary>Loads the model saved in <paramref name="path"/> onto <paramref name="device"/>, as a <typeparamref name="TModel"/>.</summary>
    /// <typeparam name="TModel">The model type, such as <see cref="FlowModel"/>.</typeparam>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="device">Where the parameters live.</param>
    /// <param name="limits">How large the saved spec may be (checked before anything is built); <see cref="SpecLimits.Default"/> when null.</param>
    /// <exception cref="GenCheckpointException">As for <see cref="Load"/>, or the checkpoint holds another kind of model (<see cref="CheckpointError.WrongModelType"/>).</exception>
    public static TModel Load<TModel>(string path, torch.Device device, SpecLimits? limits = null)
        where TModel : torch.nn.Module
    {
        ArgumentNullException.ThrowIfNull(device);
        using var file = CheckpointFile.Open(path);
        var document = ReadDocument(file, limits ?? SpecLimits.Default);
        if (!typeof(TModel).IsAssignableFrom(document.Family.ModelType))
        {
            throw new GenCheckpointException(CheckpointError.WrongModelType, $"the checkpoint holds a {document.Family.ModelType.Name}, not a {typeof(TModel).Name}.", path);
        }

        // The weights' table, and its size against the spec's, before anything is allocated: a spec of a few bytes can
        // ask for gigabytes that a small file could never fill. A spec near the file's size is built, so that the
        // mismatch is reported tensor by tensor; building it costs at most about twice what the file holds.
        var weights = file.Weights();
        var table = Reading(path, () => StateDictBlock.ReadTable(weights));
        long saved = StateDictBlock.Elements(table);
        if (document.Size.Values > (2 * (Int128)saved) + SmallModelValues)
        {
            throw new GenCheckpointException(
                CheckpointError.WeightsMismatch,
                $"the weights do not fit the model built from the checkpoint's spec: the spec's model holds {document.Size.Values} values ({document.Size.Parameters} of them parameters), but the file holds {saved}. Nothing was built.",
                path);
        }

        // Compiling draws initial weights, which the saved ones then replace; the fixed seed keeps a load from moving
        // the global random generator.
        torch.nn.Module model;
        try
        {
            model = document.Spec.Compile(device, document.Dtype, seed: 0);
        }
        catch (ArgumentException e)
        {
            // A spec that reads but does not compile to this kind of model (possible only in a file written by hand).
            throw new GenCheckpointException(CheckpointError.InvalidSpec, $"the spec does not compile: {e.Message}", path, "$.spec", e);
        }

        try
        {
            Reading(path, () =>
            {
                StateDictBlock.LoadInto(model, weights, table);
                document.Family.ReadState(model, document.State);
                return model;
            });
            return (TModel)model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Saves the weights (parameters and buffers) of any module to <paramref name="path"/>, without a spec: for a model
    /// whose spec holds a node of your own that has no JSON form, or a module that was not compiled from a spec. The
    /// file is a checkpoint like those of <see cref="Save"/> (atomic replacement, checksums, no size limit);
    /// <see cref="LoadWeights"/> reads it into a module built the same way.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="model">The module, on any device.</param>
    /// <exception cref="ArgumentException">The module computes in a type that is not floating-point.</exception>
    /// <exception cref="IOException">The file cannot be written; the message names <paramref name="path"/> and the cause, and any previous file is unchanged.</exception>
    public static void SaveWeights(string path, torch.nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        var document = new JsonObject
        {
            ["version"] = SpecJson.FormatVersion,
            ["dtype"] = DtypeName(StateDictBlock.DtypeOf(model), nameof(model)),
            ["spec"] = null,
            ["state"] = new JsonObject(),
        };
        var json = Encoding.UTF8.GetBytes(SpecJson.Format(document));
        var weights = StateDictBlock.Plan(model);
        AtomicFile.Write(path, stream => CheckpointFile.Write(stream, json, weights, CheckpointPart.None), null);
    }

    /// <summary>
    /// Loads the weights saved in <paramref name="path"/> (by <see cref="SaveWeights"/> or <see cref="Save"/>) into
    /// <paramref name="model"/>, which must have the same parameter and buffer names, shapes and dtype: build it from
    /// the same spec (or code) first, and move it after loading. Nothing is loaded unless everything fits.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="model">The module to load into.</param>
    /// <exception cref="GenCheckpointException">The file cannot be read, is not a checkpoint, is truncated or corrupted, or its weights do not fit the module (<see cref="CheckpointError.WeightsMismatch"/>, naming the tensors). The message names the file.</exception>
    public static void LoadWeights(string path, torch.nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var file = CheckpointFile.Open(path);
        Reading(path, () =>
        {
            // The document is checked as a whole (its version first); the weights need nothing from its spec.
            var fields = SpecJson.OpenDocument(file.ReadJson(), "a checkpoint document");
            ReadWeightsDocument(file);
            var weights = file.Weights();
            StateDictBlock.LoadInto(model, weights, StateDictBlock.ReadTable(weights), "the model given");
            return model;
        });
    }

    /// <summary>
    /// Saves the weights of any module with its optimizer's state (when the optimizer can save it), without a spec: a
    /// training run's state for resuming (<see cref="TrainingOptions.ResumeDirectory"/>). <see cref="LoadTrainingState"/>
    /// reads it back, and <see cref="LoadWeights"/> reads its weights.
    /// </summary>
    internal static void SaveTrainingState(string path, torch.nn.Module model, IStepOptimizer? optimizer, CheckpointPart? weights = null)
    {
        var document = new JsonObject
        {
            ["version"] = SpecJson.FormatVersion,
            ["dtype"] = DtypeName(StateDictBlock.DtypeOf(model), nameof(model)),
            ["spec"] = null,
            ["state"] = new JsonObject(),
        };
        var optimizerState = CheckpointPart.None;
        if (optimizer?.StateFormat is string format)
        {
            document["optimizer"] = format;
            optimizerState = OptimizerBlock.PlanState(model, optimizer);
        }

        var json = Encoding.UTF8.GetBytes(SpecJson.Format(document));
        var block = weights ?? StateDictBlock.Plan(model);
        AtomicFile.Write(path, stream => CheckpointFile.Write(stream, json, block, optimizerState), null);
    }

    /// <summary>
    /// Loads what <see cref="SaveTrainingState"/> wrote into <paramref name="model"/> and, when it can load a state,
    /// <paramref name="optimizer"/>: the optimizer's state must be of its format (a run is resumed with the optimizer
    /// it was saved with). Returns whether an optimizer state was loaded.
    /// </summary>
    /// <exception cref="GenCheckpointException">The file is not such a checkpoint, or its weights or optimizer state do not fit; the message names the file.</exception>
    internal static bool LoadTrainingState(string path, torch.nn.Module model, IStepOptimizer? optimizer)
    {
        using var file = CheckpointFile.Open(path);
        return Reading(path, () =>
        {
            var format = ReadWeightsDocument(file);
            var weights = file.Weights();
            StateDictBlock.LoadInto(model, weights, StateDictBlock.ReadTable(weights), "the model given");
            if (optimizer?.StateFormat is not string own || format is null || !file.HasOptimizer)
            {
                return false;
            }

            if (format != own)
            {
                throw new GenCheckpointException(CheckpointError.OptimizerMismatch, $"the run was saved with the state of a {format}, but the optimizer given is a {own}; resume a run with the optimizer it was trained with.");
            }

            OptimizerBlock.ReadState(model, file.Optimizer(), optimizer);
            return true;
        });
    }

    // The fields of a checkpoint document as far as its weights are concerned, all checked (its version first); the
    // spec is not read. Returns the format of the optimizer state a non-FusedAdam optimizer saved, or null.
    private static string? ReadWeightsDocument(CheckpointReader file)
    {
        var fields = SpecJson.OpenDocument(file.ReadJson(), "a checkpoint document");
        fields.String("dtype");
        fields.Field("spec");
        fields.Field("state");
        var format = fields.Has("optimizer") ? fields.String("optimizer") : null;
        fields.RejectOthers("a checkpoint document");
        return format;
    }

    /// <summary>
    /// A new <see cref="FusedAdam"/> over <paramref name="model"/>'s parameters with the optimizer state saved in
    /// <paramref name="path"/> (hyper-parameters, step counts and moment estimates), so training resumes exactly where
    /// it stopped. Call it with the model just loaded from the same file (after any move to another device).
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="model">The model whose parameters the optimizer trains.</param>
    /// <exception cref="GenCheckpointException">The file is not a valid checkpoint, holds no optimizer state, or its state does not fit the model's parameters.</exception>
    public static FusedAdam LoadOptimizer(string path, torch.nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var file = OpenWithOptimizer(path);
        if (OptimizerFormat(file) is string format)
        {
            throw new GenCheckpointException(
                CheckpointError.OptimizerMismatch,
                $"the checkpoint holds the state of a {format}, not of a FusedAdam: build that optimizer over the model's parameters and load the state into it with Model.LoadOptimizerState(path, model, optimizer).",
                path);
        }

        return Reading(path, () => OptimizerBlock.Read(model, file.Optimizer()));
    }

    /// <summary>
    /// Loads the optimizer state saved in <paramref name="path"/> into <paramref name="optimizer"/>, an optimizer of the
    /// format it was saved from (<see cref="IStepOptimizer.StateFormat"/>, such as a <see cref="TorchOptimizer"/> over a
    /// <c>torch.optim.Adam</c> with the same settings) built over <paramref name="model"/>'s parameters in the same
    /// order, so training resumes where it stopped. Call it with the model just loaded from the same file.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="model">The model whose parameters the optimizer trains.</param>
    /// <param name="optimizer">The optimizer to load the state into.</param>
    /// <exception cref="GenCheckpointException">The file is not a valid checkpoint, holds no optimizer state, holds a state of another format, or one that does not fit the optimizer's parameters and settings (checked before the optimizer reads it).</exception>
    public static void LoadOptimizerState(string path, torch.nn.Module model, IStepOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        using var file = OpenWithOptimizer(path);
        var format = OptimizerFormat(file);
        if (format is null && optimizer is FusedAdam)
        {
            // FusedAdam's block in a checkpoint is its parameter names and Save's bytes, which LoadState reads.
            Reading(path, () =>
            {
                OptimizerBlock.ReadState(model, file.Optimizer(), optimizer);
                return true;
            });
            return;
        }

        if (format is null)
        {
            throw new GenCheckpointException(
                CheckpointError.OptimizerMismatch,
                "the checkpoint holds the state of a FusedAdam: Model.LoadOptimizer(path, model) gives a FusedAdam with it.",
                path);
        }

        if (optimizer.StateFormat != format)
        {
            throw new GenCheckpointException(
                CheckpointError.OptimizerMismatch,
                $"the checkpoint holds the state of a {format}, but the optimizer given is a {optimizer.StateFormat ?? optimizer.GetType().Name + " that cannot load a state"}.",
                path);
        }

        Reading(path, () =>
        {
            OptimizerBlock.ReadState(model, file.Optimizer(), optimizer);
            return true;
        });
    }

    // A checkpoint that holds an optimizer state, or the error that says it holds none.
    private static CheckpointReader OpenWithOptimizer(string path)
    {
        var file = CheckpointFile.Open(path);
        if (!file.HasOptimizer)
        {
            file.Dispose();
            throw new GenCheckpointException(CheckpointError.NoOptimizerState, "the checkpoint holds no optimizer state (it was saved without an optimizer).", path);
        }

        return file;
    }

    // The format of a state saved by an optimizer other than FusedAdam, as the document names it; null for FusedAdam's.
    private static string? OptimizerFormat(CheckpointReader file) => ReadDocument(file, SpecLimits.Default).OptimizerFormat;

    /// <summary>The spec of the model saved in <paramref name="path"/>, without building the model.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="limits">How large the spec may be; <see cref="SpecLimits.Default"/> when null.</param>
    /// <exception cref="GenCheckpointException">The file cannot be read, is not a checkpoint, is truncated or corrupted, is of a newer format, its spec is invalid, or its spec passes a limit (<see cref="CheckpointError.LimitExceeded"/>).</exception>
    public static IModelSpec<torch.nn.Module> ReadSpec(string path, SpecLimits? limits = null)
    {
        using var file = CheckpointFile.Open(path);
        return ReadDocument(file, limits ?? SpecLimits.Default).Spec;
    }

    /// <summary>As <see cref="Save(string, torch.nn.Module, IStepOptimizer?)"/>; <paramref name="wrap"/> wraps the file stream (for tests that fail part-way).</summary>
    internal static void Write(string path, torch.nn.Module model, IStepOptimizer? optimizer, Func<Stream, Stream>? wrap)
    {
        ArgumentNullException.ThrowIfNull(path);
        var family = ModelFamilies.OfModel(model);
        var dtype = StateDictBlock.DtypeOf(model);
        var document = new JsonObject
        {
            ["version"] = SpecJson.FormatVersion,
            ["dtype"] = DtypeName(dtype, nameof(model)),
            ["spec"] = SpecJson.Write(family.SpecOf(model)),
            ["state"] = family.WriteState(model),
        };
        var optimizerState = optimizer switch
        {
            null => CheckpointPart.None,
            FusedAdam adam => OptimizerBlock.Plan(model, adam),
            { StateFormat: not null } => OptimizerBlock.PlanState(model, optimizer),
            _ => CheckpointPart.None,
        };
        if (optimizer is not FusedAdam && optimizer?.StateFormat is string format)
        {
            // Only for other optimizers' states, so a file with FusedAdam's reads as it always did.
            document["optimizer"] = format;
        }

        var json = Encoding.UTF8.GetBytes(SpecJson.Format(document));
        var weights = StateDictBlock.Plan(model);
        AtomicFile.Write(path, stream => CheckpointFile.Write(stream, json, weights, optimizerState), wrap);
    }

    private static string DtypeName(torch.ScalarType dtype, string parameter) =>
        DtypeNames.TryGetValue(dtype, out var name) ? name : throw new ArgumentException($"Models compute in a floating-point type, got {dtype}.", parameter);

    /// <summary>Reads and checks the JSON document of an opened checkpoint, and sizes its spec against <paramref name="limits"/>.</summary>
    private static Document ReadDocument(CheckpointReader file, SpecLimits limits) => Reading(file.Path, () =>
    {
        limits.CheckDocument(file.Layout.JsonLength);
        var fields = SpecJson.OpenDocument(file.ReadJson(), "a checkpoint document");
        var dtypeName = fields.String("dtype");
        var dtype = DtypeNames.Where(p => p.Value == dtypeName).Select(p => (torch.ScalarType?)p.Key).FirstOrDefault()
            ?? throw JsonFields.Invalid(fields.At("dtype"), $"unknown dtype '{dtypeName}' (known: {string.Join(", ", DtypeNames.Values)}).");

        if (fields.Field("spec").ValueKind == System.Text.Json.JsonValueKind.Null)
        {
            throw new GenCheckpointException(
                CheckpointError.InvalidSpec,
                "the checkpoint holds weights alone, without a spec (it was saved with Model.SaveWeights): build the model from its spec or code and load them with Model.LoadWeights(path, model).",
                jsonPath: "$.spec");
        }

        var spec = SpecJson.ReadSpec(fields);
        var state = JsonFields.Of(fields.Field("state"), fields.At("state"), "the model's state");
        var optimizerFormat = fields.Has("optimizer") ? fields.String("optimizer") : null;
        fields.RejectOthers("a checkpoint document");
        return new Document(spec, ModelFamilies.OfSpec(spec), dtype, state, limits.Measure(spec), optimizerFormat);
    });

    /// <summary>
    /// Runs a step of reading <paramref name="path"/>: an error that names no file is reported for this one, and a
    /// failure to read the disk is a <see cref="CheckpointError.Unreadable"/> error, so every failure is a
    /// <see cref="GenCheckpointException"/> that names the file.
    /// </summary>
    private static T Reading<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (GenCheckpointException e) when (e.File is null)
        {
            throw e.InFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CheckpointFile.Unreadable(path, e);
        }
    }

    private sealed record Document(IModelSpec<torch.nn.Module> Spec, ModelFamily Family, torch.ScalarType Dtype, JsonFields State, SpecBudget Size, string? OptimizerFormat);
}
