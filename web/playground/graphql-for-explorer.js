// What graphiql-explorer (inside @graphiql/plugin-explorer) uses of graphql, for web/build.mjs
// to hand it instead of the whole package. graphiql-explorer is CommonJS: were it to
// `require('graphql')` itself, esbuild would bundle graphql's CommonJS build for every
// importer, whole (270 KB), where its ES modules shake down to what the playground uses
// (about 140 KB). Names taken from graphiql-explorer 0.9.0's dist/Explorer.js; a name
// missing here fails the build (esbuild checks re-exports).
export {
  GraphQLObjectType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  isRequiredInputField,
  isScalarType,
  isUnionType,
  isWrappingType,
  parse,
  parseType,
  print,
  visit,
} from 'graphql';
