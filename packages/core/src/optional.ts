/**
 * Optional peer dependencies: packages that only some plugins or modes need (ccxt, onnxruntime-node,
 * onnx-proto), imported on first use with a typed error naming the package when it is not installed.
 * @packageDocumentation
 */
import { isModuleNotFound, MissingDependencyError } from './errors.js'

/**
 * Runs `load` (an `import()` written in the package that declares the optional peer, so that it resolves
 * from there) and turns "module not found" for `name` into a {@link MissingDependencyError}; any other
 * failure while loading (a broken install, an error in the module) is rethrown as it is.
 * @throws {MissingDependencyError} when `name` is not installed.
 * @example const ort = await importOptional('onnxruntime-node', 'The ONNX model agents', () => import('onnxruntime-node'))
 */
export async function importOptional<T>(name: string, neededBy: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (error) {
    if (isModuleNotFound(error, name)) throw new MissingDependencyError(name, neededBy, { cause: error })
    throw error
  }
}

/**
 * The synchronous form of {@link importOptional}, for CommonJS packages loaded with `require`.
 * @throws {MissingDependencyError} when `name` is not installed.
 * @example const proto = requireOptional('onnx-proto', 'The ONNX converters', () => createRequire(import.meta.url)('onnx-proto'))
 */
export function requireOptional<T>(name: string, neededBy: string, load: () => T): T {
  try {
    return load()
  } catch (error) {
    if (isModuleNotFound(error, name)) throw new MissingDependencyError(name, neededBy, { cause: error })
    throw error
  }
}
