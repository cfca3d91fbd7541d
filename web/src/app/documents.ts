import { graphql } from '../gql/index.ts';

export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      role
      team {
        id
        name
      }
      apiKey {
        id
        name
        prefix
      }
    }
  }
`);
