namespace FluxMatching.RnaVelocity;

/// <summary>h5py's boolean: an 8-bit HDF5 enumeration with the members FALSE and TRUE (what AnnData reads as bool).
/// </summary>
#pragma warning disable CA1707, SA1300 // h5py requires exactly these member names.
internal enum H5Bool : byte
{
    /// <summary>false.</summary>
    FALSE = 0,

    /// <summary>true.</summary>
    TRUE = 1,
}
#pragma warning restore CA1707, SA1300
