// The pixel recipe as data (design §3): an ordered list of operations, applied to what load() returns.
// The names and fields here are what F_S.json and the lock record (schemas/recipe.schema.json is the
// one schema of them); the operations themselves live in src/image/ops/, one file each.
export type ColorMode = 'L' | 'RGB';
export type ResampleFilter = 'nearest' | 'box' | 'bilinear' | 'hamming' | 'bicubic' | 'lanczos';

export type RecipeOp =
  /** Pillow's img.convert(mode) of an 8-bit 2D image. */
  | { op: 'convert'; mode: ColorMode }
  /** CT intensity window to uint8: v = (x - (level - width/2)) / width * 255, clipped, truncated. */
  | { op: 'window'; width: number; level: number }
  /** Crop to the sample's region box; with a region slice, keep that plane (a 2D image). */
  | { op: 'box-crop' }
  /** Fixed centre crop: left = floor((w - width) / 2), top = floor((h - height) / 2). */
  | { op: 'center-crop'; width: number; height: number }
  /** Square whose side is the short edge, centred as center-crop is. */
  | { op: 'square-crop' }
  /** Drop the sample when its array is constant (a blank crop; MedMNIST v2.2.4 removed such samples). */
  | { op: 'drop-blank' }
  /** Maximum over one axis (TissueMNIST: the 7 z-slices of a stack, axis 0). */
  | { op: 'project'; reduce: 'max'; axis: number }
  /** Pillow's resize((S, S), filter) of an L or RGB image: the last step of a 2D recipe. */
  | { op: 'resize'; filter: ResampleFilter }
  /** S x S x S from a uint8 volume [D, H, W]: every axial slice resized in-plane, then along z only. */
  | { op: 'resize3d'; filter: ResampleFilter };

export type RecipeOpName = RecipeOp['op'];
export type Recipe = readonly RecipeOp[];

/** Operations that read the sample's region: everything before the first one is done once per item. */
export const REGION_OPS: ReadonlySet<RecipeOpName> = new Set(['box-crop']);

/** How many leading operations do not depend on the sample (shared by all samples of one item). */
export function itemStageLength(recipe: Recipe): number {
  const i = recipe.findIndex((o) => REGION_OPS.has(o.op));
  return i < 0 ? recipe.length - 1 : i;
}

/** One line for logs and the metadata: `convert(RGB) -> center-crop(200x200) -> resize(bicubic)`. */
export function describeRecipe(recipe: Recipe): string {
  return recipe
    .map((o) => {
      switch (o.op) {
        case 'convert':
          return `convert(${o.mode})`;
        case 'window':
          return `window(W=${o.width}, L=${o.level})`;
        case 'center-crop':
          return `center-crop(${o.width}x${o.height})`;
        case 'drop-blank':
          return 'drop-blank';
        case 'project':
          return `project(${o.reduce}, axis ${o.axis})`;
        case 'resize':
        case 'resize3d':
          return `${o.op}(${o.filter})`;
        default:
          return o.op;
      }
    })
    .join(' -> ');
}
